using SelfDissonance.Models;
using SelfDissonance.Policy;
using SelfDissonance.Tasks;

namespace SelfDissonance.Runtime;

/// <summary>A change every silo's caches must see: a new serving state, a new policy, or a changed task. Exactly one part is set.</summary>
[GenerateSerializer, Immutable]
public sealed record ControlEvent(
    [property: Id(0)] string TaskId,
    [property: Id(1)] ServingState? Serving,
    [property: Id(2)] PolicySnapshot? Policy,
    [property: Id(3)] TaskSnapshot? Task,
    [property: Id(4)] DateTimeOffset At);
