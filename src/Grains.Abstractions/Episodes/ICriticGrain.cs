using System.Collections.Immutable;

namespace SelfDissonance.Episodes;

/// <summary>Predicts with the critic and measures the dissonance against the proposal. A stateless worker: call with key 0.</summary>
[Alias("sd.ICriticGrain")]
public interface ICriticGrain : IGrainWithIntegerKey
{
    [Alias("Critique")]
    Task<Critique> CritiqueAsync(string taskId, ImmutableArray<float> features, Prediction proposal);
}
