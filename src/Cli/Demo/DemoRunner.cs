using System.Diagnostics;
using SelfDissonance.Cli.Episodes;
using SelfDissonance.Cli.Output;
using SelfDissonance.Client;
using SelfDissonance.Client.Contracts;
using Spectre.Console;

namespace SelfDissonance.Cli.Demo;

/// <summary>
/// The demo: a two-moons task bootstrapped from a deliberately small training set (and a large golden holdout), then
/// thousands of labeled episodes in rounds. The learner trains on them by itself (every minBatch rows) and once more on
/// demand after each round; every promotion passes the trust region and the golden gate, so golden accuracy climbs from
/// the weak v1 while no promoted version is worse than its parent beyond goldenTolerance.
/// </summary>
internal sealed class DemoRunner(CommandContext ctx, DemoSettings settings)
{
    private static readonly TimeSpan LearnerCatchUpLimit = TimeSpan.FromSeconds(60);

    private ISelfDissonanceClient Client => ctx.Client;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var task = await CreateTaskAsync(ct);
        var training = TwoMoonsData.Generate(settings.TrainingRows, settings.Seed);
        var golden = TwoMoonsData.Generate(settings.GoldenRows, settings.Seed + 1);
        var episodes = TwoMoonsData.Episodes(TwoMoonsData.Generate(settings.Episodes, settings.Seed + 2));
        var bootstrap = await Client.BootstrapAsync(task, new BootstrapRequest(training, golden), ct);
        Emit(new DemoStartLine(task, bootstrap.TrainingRows, bootstrap.GoldenRows, bootstrap.Proposer.Version, bootstrap.Proposer.GoldenAccuracy, bootstrap.Critic.GoldenAccuracy),
            $"task {task}: bootstrapped from {bootstrap.TrainingRows} training rows (golden holdout {bootstrap.GoldenRows}): " +
            $"proposer {Formats.Version(bootstrap.Proposer.Version)} golden {Formats.Percent(bootstrap.Proposer.GoldenAccuracy)}, " +
            $"critic {Formats.Version(bootstrap.Critic.Version)} golden {Formats.Percent(bootstrap.Critic.GoldenAccuracy)}");

        var learnable = 0L;
        var sent = 0L;
        var previousMax = bootstrap.Proposer.Version;
        var historySeen = (await Client.ListModelsAsync(task, ct)).Proposer.History.Count;
        var start = 0;
        for (var round = 1; round <= settings.Rounds; round++)
        {
            var end = (int)((long)settings.Episodes * round / settings.Rounds);
            var slice = episodes.GetRange(start, end - start);
            start = end;
            var tally = new EpisodeTally();
            await EpisodeStreamer.RunAsync(Client, task, slice, LabelMode.WithEpisode, settings.Concurrency, tally, null, ct);
            foreach (var (reason, example) in tally.FirstErrors)
            {
                ctx.Warn($"round {round}: {tally.ErrorsByReason[reason]} episode(s) refused ({reason}), first: {example}");
            }

            sent += tally.Episodes;
            learnable += tally.Learnable;
            await WaitForLearnerAsync(task, learnable, ct);
            var learn = await Client.LearnAsync(task, ct);
            var models = await Client.ListModelsAsync(task, ct);
            var production = Production(models.Proposer);
            var promoted = models.Proposer.Versions.Where(v => v.Version > previousMax).Select(v => v.Version).ToList();
            previousMax = Math.Max(previousMax, models.Proposer.Versions.Max(v => v.Version));
            var rollbacks = models.Proposer.History.Skip(historySeen)
                .Where(h => h.Action.Contains("rolled_back", StringComparison.Ordinal))
                .Select(h => new DemoRollback(h.From, h.To, h.Action, h.By, h.Reason))
                .ToList();
            historySeen = models.Proposer.History.Count;

            var line = new DemoRoundLine(round, settings.Rounds, tally.Episodes, sent, tally.Errors, tally.Blocked, tally.Accuracy, Math.Round(tally.EpisodesPerSecond, 1),
                learn.Cycle, learn.Outcome, learn.Reasons, learn.Proposer?.Outcome, learn.Proposer?.Reasons ?? [], learn.Critic?.Outcome, learn.Critic?.Reasons ?? [], production.Version, production.GoldenAccuracy, promoted, rollbacks);
            Emit(line, Describe(line));
        }

        var final = await Client.ListModelsAsync(task, ct);
        var versions = final.Proposer.Versions
            .Select(v => new DemoVersion(v.Version, v.Parent, v.GoldenAccuracy, v.Stage, v.KlFromParent, v.Rows, v.Cycle))
            .ToList();
        var last = Production(final.Proposer);
        var summary = new DemoSummaryLine(task, sent, bootstrap.Proposer.GoldenAccuracy, last.GoldenAccuracy, bootstrap.Proposer.Version, last.Version,
            versions.Count(v => v.Version > bootstrap.Proposer.Version), final.Critic.Versions.Count(v => v.Version > bootstrap.Critic.Version), versions);
        if (ctx.Json)
        {
            ctx.WriteJsonLine(summary);
        }
        else
        {
            ctx.Console.Write(VersionTable(final.Proposer));
            ctx.WriteLine($"golden accuracy {Formats.Percent(summary.InitialGoldenAccuracy)} → {Formats.Percent(summary.FinalGoldenAccuracy)} over " +
                $"{Formats.Count(summary.Episodes)} episodes, {summary.VersionsPromoted} versions promoted " +
                $"(production proposer {Formats.Version(summary.FinalVersion)}; critic versions promoted: {summary.CriticVersionsPromoted})");
        }

        return ExitCodes.Ok;
    }

    private async Task<string> CreateTaskAsync(CancellationToken ct)
    {
        var id = settings.Task;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await Client.CreateTaskAsync(new CreateTaskRequest(id, TwoMoonsData.Features, TwoMoonsData.Classes), ct);
                return id;
            }
            catch (SelfDissonanceException e) when (e.Reason == "task_exists" && !settings.TaskGiven && attempt < 5)
            {
                // The default id is taken (an earlier demo): a fresh suffix keeps every run's task separate.
                id = $"{settings.Task}-{Guid.NewGuid().ToString("N")[..6]}";
            }
        }
    }

    /// <summary>The learner reads its stream asynchronously: let it take this round's episodes before asking it to learn.</summary>
    private async Task WaitForLearnerAsync(string task, long learnable, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var metrics = await Client.GetMetricsAsync(task, ct);
            if (metrics.Learner.EventsConsumed >= learnable)
            {
                return;
            }

            if (clock.Elapsed > LearnerCatchUpLimit)
            {
                ctx.Warn($"the learner has taken {metrics.Learner.EventsConsumed} of {learnable} learnable episodes after {LearnerCatchUpLimit.TotalSeconds:0} s; learning from what it has");
                return;
            }

            await Task.Delay(100, ct);
        }
    }

    private static ModelVersionResponse Production(RoleModelsResponse role) =>
        role.Versions.First(v => v.Version == role.Production);

    private void Emit(DemoLine json, string text)
    {
        if (ctx.Json)
        {
            ctx.WriteJsonLine<object>(json);
        }
        else
        {
            ctx.WriteLine(text);
        }
    }

    private static string Describe(DemoRoundLine r)
    {
        var text = $"round {r.Round}/{r.Rounds}  {Formats.Count(r.TotalEpisodes),6} episodes  live acc {Formats.Percent(r.LiveAccuracy),7}  {Formats.Number(r.EpisodesPerSecond, "0"),4} ep/s  " +
            $"blocked {Formats.Count(r.Blocked),3} | production proposer {Formats.Version(r.ProductionVersion)} golden {Formats.Percent(r.GoldenAccuracy)}";
        text += r.PromotedThisRound.Count > 0 ? $" (promoted {string.Join(" ", r.PromotedThisRound.Select(v => Formats.Version(v)))})" : " (no promotion)";
        foreach (var rollback in r.RollbacksThisRound)
        {
            text += $" (rolled back {Formats.Version(rollback.From)} -> {Formats.Version(rollback.To)} by {rollback.By})";
        }

        text += $" | cycle {r.Cycle}: ";
        if (r.ProposerOutcome is null && r.CriticOutcome is null)
        {
            return text + r.Outcome;
        }

        text += "proposer " + (r.ProposerOutcome ?? "not trained");
        if (r.ProposerReasons.Count > 0)
        {
            text += $" ({string.Join(", ", r.ProposerReasons)})";
        }

        text += ", critic " + (r.CriticOutcome ?? "not trained");
        return r.CriticReasons.Count > 0 ? text + $" ({string.Join(", ", r.CriticReasons)})" : text;
    }

    private static Table VersionTable(RoleModelsResponse proposer)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("proposer versions") };
        table.AddColumns("version", "parent", "golden acc", "stage", "KL from parent", "rows", "cycle");
        foreach (var v in proposer.Versions)
        {
            table.AddRow(Formats.Version(v.Version) + (v.Version == proposer.Production ? " *" : ""), Formats.Version(v.Parent), Formats.Percent(v.GoldenAccuracy), v.Stage,
                Formats.Number(v.KlFromParent), Formats.Count(v.Rows), Formats.Count(v.Cycle));
        }

        return table;
    }
}
