namespace SelfDissonance.RedisStreams.Tests;

/// <summary>A test event: a unique id, its position in its stream, and what the consumer should do with it.</summary>
[GenerateSerializer]
public sealed record ProbeEvent([property: Id(0)] string Id, [property: Id(1)] int Index, [property: Id(2)] ProbeBehaviour Behaviour);
