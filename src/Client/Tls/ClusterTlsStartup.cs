using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SelfDissonance.Client;

/// <summary>Says at start which certificate this process presents and what it asks of peers, and gives refusals a logger.</summary>
internal sealed class ClusterTlsStartup(ClusterTrust trust, ILogger<ClusterTrust> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        trust.Logger = logger;
        ClusterTlsLog.TlsOn(logger, trust.Certificate.Subject, trust.Certificate.Thumbprint, trust.Certificate.NotAfter.ToUniversalTime(), trust.Rule);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
