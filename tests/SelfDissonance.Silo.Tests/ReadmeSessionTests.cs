using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SelfDissonance.Learning;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>The README's curl session, run as written (only the address and the admin key changed) against the real gateway.</summary>
public sealed partial class ReadmeSessionTests(GatewayFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task The_readme_curl_session_works_as_written()
    {
        var root = RepoPaths.Root;
        var readme = await File.ReadAllTextAsync(Path.Combine(root, "README.md"), Ct);
        var session = SessionBlock().Match(readme);
        Assert.True(session.Success, "README.md has a '## A session with curl' section with a bash block");
        var script = session.Groups["script"].Value;
        Assert.Contains("SD=http://127.0.0.1:5080", script, StringComparison.Ordinal);

        // -f turns any 4xx/5xx into a failing command, so every step must succeed.
        var runnable = "set -euo pipefail\n" + script
            .Replace("SD=http://127.0.0.1:5080", $"SD={fixture.Host.BaseAddress.ToString().TrimEnd('/')}", StringComparison.Ordinal)
            .Replace("$(cat src/Silo/.data/admin.key)", fixture.Host.AdminKey, StringComparison.Ordinal)
            .Replace("curl -s ", "curl -sSf ", StringComparison.Ordinal);
        var start = new ProcessStartInfo("bash") { WorkingDirectory = root, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var bash = Process.Start(start)!;
        await bash.StandardInput.WriteAsync(runnable);
        bash.StandardInput.Close();
        var stdout = bash.StandardOutput.ReadToEndAsync(Ct);
        var stderr = bash.StandardError.ReadToEndAsync(Ct);
        await bash.WaitForExitAsync(Ct);
        output.WriteLine(await stdout);

        if (bash.ExitCode != 0)
        {
            // The learning cycles' outcomes say why a later step (a rollback, say) found nothing to act on.
            var learner = await fixture.Host.Services.GetRequiredService<IGrainFactory>().GetGrain<ILearnerGrain>("moons").GetStatusAsync();
            var cycles = string.Join("\n", learner.RecentCycles.Select(c => $"{c.Cycle} {c.Trigger} {c.Outcome} new={c.NewLabeledRows} at={c.StartedAt:O} took={c.Duration} proposer={c.Proposer?.Outcome}/{string.Join(',', c.Proposer?.Reasons ?? [])} rows={c.Proposer?.LabeledRows} critic={c.Critic?.Outcome} rows={c.Critic?.LabeledRows}"));
            Assert.Fail($"the session failed (exit {bash.ExitCode}): {await stderr}\nlearner: {learner.LabeledRows} rows, {learner.EventsConsumed} events\ncycles:\n{cycles}");
        }
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("\"outcome\":", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("{\"role\":\"proposer\",\"from\":", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("{\"task\":\"moons\",\"episodes\":152,", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"## A session with curl.*?```bash\n(?<script>.*?)```", RegexOptions.Singleline)]
    private static partial Regex SessionBlock();
}
