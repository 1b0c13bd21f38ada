using System.Collections.Immutable;

namespace SelfDissonance.Episodes;

/// <summary>The queue path's producer: puts validated episode requests on the durable stream. A stateless worker: key 0.</summary>
[Alias("sd.IEpisodeIntakeGrain")]
public interface IEpisodeIntakeGrain : IGrainWithIntegerKey
{
    [Alias("Submit")]
    Task<ImmutableArray<string>> SubmitAsync(ImmutableArray<EpisodeRequest> requests);
}
