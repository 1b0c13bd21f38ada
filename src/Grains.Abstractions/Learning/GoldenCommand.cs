using System.Collections.Immutable;
using SelfDissonance.Tasks;

namespace SelfDissonance.Learning;

/// <summary>Rows added to the golden holdout, or replacing it (a holdout from an old concept goes stale after a drift).</summary>
[GenerateSerializer, Immutable]
public sealed record GoldenCommand(
    [property: Id(0)] ImmutableArray<LabeledExample> Rows,
    [property: Id(1)] bool Replace,
    [property: Id(2)] string RequestedBy);
