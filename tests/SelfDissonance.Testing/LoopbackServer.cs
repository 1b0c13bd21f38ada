namespace SelfDissonance.Testing;

/// <summary>
/// A server process the tests own on a free loopback port, with its data in a temp folder. Stop and Start keep the port
/// and the data, so a test can take the service away and bring it back.
/// </summary>
public abstract class LoopbackServer : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly string _name;
    private ExternalProcess? _process;

    protected LoopbackServer(string name)
    {
        _name = name;
        _dir = new TempDirectory($"sd-{name}");
    }

    public int Port { get; } = FreePort.Next();

    public bool IsRunning => _process is { HasExited: false };

    protected string DataDirectory => _dir.Path;

    /// <summary>Every port the server must listen on before it counts as started.</summary>
    protected virtual IReadOnlyList<int> Ports => [Port];

    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var (fileName, arguments) = Command();
        _process = ExternalProcess.Start(fileName, arguments);
        foreach (var port in Ports)
        {
            await _process.WaitForPortAsync(port, TimeSpan.FromSeconds(60), _name);
        }
    }

    public async Task StopAsync()
    {
        if (_process is { } p)
        {
            await p.StopAsync(TimeSpan.FromSeconds(10));
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The program and arguments that serve on <see cref="Port"/> with data under <see cref="DataDirectory"/>.</summary>
    protected abstract (string FileName, IReadOnlyList<string> Arguments) Command();

    protected static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
