using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace SelfDissonance.Episodes;

/// <summary>Defense in depth behind the gateway: grains reached directly (cluster client) check shapes too.</summary>
internal static class FeatureGuard
{
    public static float[] Check(ImmutableArray<float> features, int expected)
    {
        if (features.IsDefault || features.Length != expected)
        {
            throw DomainException.BadRequest(ReasonCodes.MissingFeature, "Wrong number of features.", $"Expected {expected} features, got {(features.IsDefault ? 0 : features.Length)}.");
        }

        foreach (var v in features)
        {
            if (!float.IsFinite(v))
            {
                throw DomainException.BadRequest(ReasonCodes.NonFiniteFeature, "Feature values must be finite numbers.");
            }
        }

        return ImmutableCollectionsMarshal.AsArray(features)!;
    }
}
