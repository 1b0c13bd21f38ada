using Microsoft.Extensions.Logging;

namespace SelfDissonance.Client;

internal static partial class ClusterTlsLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Mutual TLS on Orleans connections: certificate {Subject} ({Thumbprint}), valid until {NotAfter:o}; a peer's certificate must {Rule}.")]
    public static partial void TlsOn(ILogger logger, string subject, string thumbprint, DateTime notAfter, string rule);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an Orleans connection: the peer's certificate {Subject} ({Thumbprint}) {Reason}.")]
    public static partial void PeerRefused(ILogger logger, string subject, string thumbprint, string reason);
}
