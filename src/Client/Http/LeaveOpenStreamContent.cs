using System.Net;

namespace SelfDissonance.Client.Http;

/// <summary>Streams a caller's stream as a request body without disposing it (StreamContent would).</summary>
internal sealed class LeaveOpenStreamContent(Stream stream) : HttpContent
{
    private readonly Stream _stream = stream;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _stream.CopyToAsync(stream);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _stream.CopyToAsync(stream, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = _stream.CanSeek ? _stream.Length - _stream.Position : 0;
        return _stream.CanSeek;
    }
}
