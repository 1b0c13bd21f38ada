using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Cli.Output;

/// <summary>One line of text per live event (sdctl watch).</summary>
internal static class EventLines
{
    public static string Format(TaskEvent e)
    {
        var head = $"{Formats.Clock(e.At)} {e.Kind,-9}";
        return e switch
        {
            { Episode: { } ep } => $"{head} {ep.Id} {ep.Prediction} (critic {ep.CriticLabel}) d={Formats.Number(ep.Dissonance, "0.000")} " +
                (ep.Learnable ? "learnable" : "blocked: " + string.Join(",", ep.Reasons)) +
                (ep.Label is null ? "" : $" label={ep.Label}") +
                $" proposer {Formats.Version(ep.ProposerVersion)}{(ep.Canary ? " (canary)" : "")} critic {Formats.Version(ep.CriticVersion)} {ep.Source}",
            { Model: { } m } => $"{head} {m.Role} {Formats.Version(m.From)} -> {Formats.Version(m.To)} {m.Action} by {m.By}" +
                (m.GoldenAccuracy is { } g ? $" golden {Formats.Percent(g)}" : "") +
                (string.IsNullOrEmpty(m.Reason) ? "" : $": {m.Reason}"),
            { Cycle: { } c } => $"{head} #{c.Cycle} {c.Outcome} ({c.Trigger})" +
                (c.Reasons.Count > 0 ? $" [{string.Join(",", c.Reasons)}]" : "") +
                (c.ProposerVersion is { } pv ? $" proposer {Formats.Version(pv)}" : "") +
                (c.ProposerGoldenAccuracy is { } pg ? $" golden {Formats.Percent(pg)}" : "") +
                (c.CriticVersion is { } cv ? $" critic {Formats.Version(cv)}" : "") +
                $" {Formats.Milliseconds(c.DurationMs)}",
            { Drift: { } d } => $"{head} alarm {d.Alarms} at {d.LabeledRows} labeled rows: the proposer's error rose; earlier rows weigh x{Formats.Number(d.PreDriftWeight, "0.##")}, a cycle started",
            _ => head,
        };
    }
}
