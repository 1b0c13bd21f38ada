namespace SelfDissonance.Cli.Demo;

/// <summary>The demo's --json lines; <see cref="Type"/> tells them apart.</summary>
internal abstract record DemoLine(string Type);

/// <summary>The task was created and bootstrapped.</summary>
internal sealed record DemoStartLine(string Task, int TrainingRows, int GoldenRows, int ProposerVersion, double GoldenAccuracy, double CriticGoldenAccuracy) : DemoLine("start");

/// <summary>A round of labeled episodes and the learning cycle after it.</summary>
internal sealed record DemoRoundLine(
    int Round,
    int Rounds,
    long Episodes,
    long TotalEpisodes,
    long Errors,
    long Blocked,
    double? LiveAccuracy,
    double EpisodesPerSecond,
    long Cycle,
    string Outcome,
    IReadOnlyList<string> Reasons,
    string? ProposerOutcome,
    IReadOnlyList<string> ProposerReasons,
    string? CriticOutcome,
    IReadOnlyList<string> CriticReasons,
    int ProductionVersion,
    double GoldenAccuracy,
    IReadOnlyList<int> PromotedThisRound,
    IReadOnlyList<DemoRollback> RollbacksThisRound) : DemoLine("round");

/// <summary>A production rollback of the proposer (automatic when live accuracy dropped below the predecessor's).</summary>
internal sealed record DemoRollback(int? From, int To, string Action, string By, string Reason);

/// <summary>A proposer version in the final table.</summary>
internal sealed record DemoVersion(int Version, int? Parent, double GoldenAccuracy, string Stage, double? KlFromParent, int Rows, long Cycle);

/// <summary>The end of the demo.</summary>
internal sealed record DemoSummaryLine(
    string Task,
    long Episodes,
    double InitialGoldenAccuracy,
    double FinalGoldenAccuracy,
    int InitialVersion,
    int FinalVersion,
    int VersionsPromoted,
    int CriticVersionsPromoted,
    IReadOnlyList<DemoVersion> Versions) : DemoLine("summary");
