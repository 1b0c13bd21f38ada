using System.IO.Hashing;
using System.Text;
using SelfDissonance.Models;

namespace SelfDissonance.Runtime;

/// <summary>The loaded models one role serves on this silo.</summary>
public sealed record RoleRuntime(ServingState Serving, LoadedModel Production, LoadedModel? Canary)
{
    /// <summary>Routes an episode: a stable hash of its id below canaryFraction goes to the canary.</summary>
    public (LoadedModel Model, bool IsCanary) Select(string episodeId)
    {
        if (Canary is null || Serving.CanaryFraction <= 0)
        {
            return (Production, false);
        }

        var hash = XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(episodeId));
        return hash / (double)uint.MaxValue < Serving.CanaryFraction ? (Canary, true) : (Production, false);
    }
}
