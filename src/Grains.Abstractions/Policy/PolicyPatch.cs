namespace SelfDissonance.Policy;

/// <summary>A partial policy: fields left null keep their current value.</summary>
[GenerateSerializer, Immutable]
public sealed record PolicyPatch
{
    [Id(0)] public double? DTarget { get; init; }
    [Id(1)] public double? MaxDissonance { get; init; }
    [Id(2)] public double? Lambda { get; init; }
    [Id(3)] public double? LambdaMax { get; init; }
    [Id(4)] public double? KlEps { get; init; }
    [Id(5)] public int? DBudgetPerHour { get; init; }
    [Id(6)] public int? MinBatch { get; init; }
    [Id(7)] public double? GoldenTolerance { get; init; }
    [Id(8)] public double? CanaryFraction { get; init; }
    [Id(9)] public double? RollbackDrop { get; init; }
    [Id(10)] public double? OodZMax { get; init; }
    [Id(11)] public double? Eta { get; init; }
    [Id(12)] public double? DBudgetShare { get; init; }

    public TaskPolicy ApplyTo(TaskPolicy current) => current with
    {
        DTarget = DTarget ?? current.DTarget,
        MaxDissonance = MaxDissonance ?? current.MaxDissonance,
        Lambda = Lambda ?? current.Lambda,
        LambdaMax = LambdaMax ?? current.LambdaMax,
        KlEps = KlEps ?? current.KlEps,
        DBudgetPerHour = DBudgetPerHour ?? current.DBudgetPerHour,
        MinBatch = MinBatch ?? current.MinBatch,
        GoldenTolerance = GoldenTolerance ?? current.GoldenTolerance,
        CanaryFraction = CanaryFraction ?? current.CanaryFraction,
        RollbackDrop = RollbackDrop ?? current.RollbackDrop,
        OodZMax = OodZMax ?? current.OodZMax,
        Eta = Eta ?? current.Eta,
        DBudgetShare = DBudgetShare ?? current.DBudgetShare,
    };
}
