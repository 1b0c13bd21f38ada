using Microsoft.Extensions.DependencyInjection;
using SelfDissonance.Client;
using SelfDissonance.Samples.Quickstart;

// dotnet run --project samples/Quickstart -- [gateway url] [csv file]
// The API key comes from SD_API_KEY, or from the file SD_API_KEY_FILE names (src/Silo/.data/admin.key on a fresh silo).
// Creates a task, trains it from the CSV, streams every row as an episode while watching the task's live events.
var url = new Uri(args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("SD_URL") ?? "http://127.0.0.1:5080");
var csv = args.Length > 1 ? args[1] : Quickstart.FindSampleCsv();

var services = new ServiceCollection();
var apiKey = Environment.GetEnvironmentVariable("SD_API_KEY")
    ?? (Environment.GetEnvironmentVariable("SD_API_KEY_FILE") is { Length: > 0 } keyFile ? File.ReadAllText(keyFile).Trim() : null);
services.AddSelfDissonanceClient(o =>
{
    o.BaseAddress = url;
    o.ApiKey = apiKey;
});
await using var provider = services.BuildServiceProvider();
var client = provider.GetRequiredService<ISelfDissonanceClient>();

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    var summary = await Quickstart.RunAsync(client, csv, Console.Out, cancel.Token);
    return summary.Episodes > 0 ? 0 : 1;
}
catch (SelfDissonanceException e)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return e.Reason == SelfDissonanceException.UnreachableReason ? 3 : 1;
}
