using SelfDissonance.Tasks;

namespace SelfDissonance.Client.Cluster;

/// <summary>What request validation needs of a task: its definition and the index of each feature name.</summary>
internal sealed record TaskSchema(TaskDefinition Definition, IReadOnlyDictionary<string, int> FeatureIndex, bool Bootstrapped)
{
    public static TaskSchema From(TaskSnapshot snapshot) => new(
        snapshot.Definition,
        snapshot.Definition.Features.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal),
        snapshot.Bootstrapped);
}
