using System.Collections.Immutable;
using SelfDissonance.Episodes;

namespace SelfDissonance.Runtime;

/// <summary>What an episode answered, without its features: the payload of a live episode event.</summary>
[GenerateSerializer, Immutable]
public sealed record EpisodeOutcome(
    [property: Id(0)] string Id,
    [property: Id(1)] string Prediction,
    [property: Id(2)] string CriticLabel,
    [property: Id(3)] double Dissonance,
    [property: Id(4)] bool Learnable,
    [property: Id(5)] ImmutableArray<string> Reasons,
    [property: Id(6)] string? Label,
    [property: Id(7)] int ProposerVersion,
    [property: Id(8)] int CriticVersion,
    [property: Id(9)] bool Canary,
    [property: Id(10)] EpisodeSource Source);
