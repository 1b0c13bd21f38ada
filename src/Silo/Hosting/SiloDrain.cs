namespace SelfDissonance.Silo.Hosting;

/// <summary>
/// Whether this silo is on its way out: readiness answers 503 from the moment a stop begins, and long-lived responses
/// (live event streams) end when the listener is about to close, so they do not hold the stop up to its timeout.
/// </summary>
public sealed class SiloDrain : IDisposable
{
    private readonly CancellationTokenSource _closing = new();
    private int _draining;

    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    /// <summary>Cancelled just before the HTTP listener closes.</summary>
    public CancellationToken Closing => _closing.Token;

    public void Begin() => Volatile.Write(ref _draining, 1);

    public void CloseStreams() => _closing.Cancel();

    public void Dispose() => _closing.Dispose();
}
