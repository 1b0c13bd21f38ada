using SelfDissonance.Models;

namespace SelfDissonance.Tasks;

[GenerateSerializer, Immutable]
public sealed record BootstrapResult(
    [property: Id(0)] ModelVersionInfo Proposer,
    [property: Id(1)] ModelVersionInfo Critic,
    [property: Id(2)] int TrainingRows,
    [property: Id(3)] int GoldenRows,
    [property: Id(4)] TimeSpan Duration);
