using System.Collections.Frozen;
using SelfDissonance.Learning.Ml;
using SelfDissonance.Policy;
using SelfDissonance.Tasks;

namespace SelfDissonance.Runtime;

/// <summary>An immutable snapshot of everything a silo needs to serve a task; replaced whole when anything changes.</summary>
public sealed record TaskRuntime(TaskSnapshot Task, PolicySnapshot Policy, RoleRuntime? Proposer, RoleRuntime? Critic)
{
    public TaskDefinition Definition => Task.Definition;

    public ModelShape Shape { get; } = new(Task.Definition.FeatureCount, Task.Definition.ClassCount);

    public FrozenDictionary<string, int> FeatureIndex { get; } =
        Task.Definition.Features.Select((name, i) => (name, i)).ToFrozenDictionary(x => x.name, x => x.i, StringComparer.Ordinal);

    public bool CanServe => Task.Bootstrapped && Proposer is not null && Critic is not null;

    public DateTimeOffset? LastChangeAt { get; init; }

    public RoleRuntime RequireProposer() => Proposer ?? throw NotServing();

    public RoleRuntime RequireCritic() => Critic ?? throw NotServing();

    private DomainException NotServing() => Task.Bootstrapped
        ? DomainException.Unavailable(ReasonCodes.ModelUnavailable, "No verified model is loaded for this task.", $"Task '{Task.Definition.Id}' has no loadable production model on this silo; see the silo log.")
        : DomainException.NotBootstrapped(Task.Definition.Id);
}
