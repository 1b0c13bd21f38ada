using System.Collections.Immutable;

namespace SelfDissonance.Runtime;

/// <summary>Live events of one task, as published on its events stream. Episode outcomes arrive in batches per silo flush.</summary>
[GenerateSerializer, Immutable]
public sealed record TaskEventBatch(
    [property: Id(0)] string TaskId,
    [property: Id(1)] ImmutableArray<TaskEventItem> Events);
