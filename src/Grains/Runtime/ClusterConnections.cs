using Microsoft.Extensions.Configuration;

namespace SelfDissonance.Runtime;

/// <summary>
/// The cluster profile's connection strings, from <c>ConnectionStrings:Redis</c> and <c>ConnectionStrings:Blob</c>
/// (environment: <c>ConnectionStrings__Redis</c>, <c>ConnectionStrings__Blob</c>). Secrets: never logged, never in ToString.
/// </summary>
public sealed record ClusterConnections(string Redis, string Blob)
{
    public static ClusterConnections From(IConfiguration configuration)
    {
        var redis = configuration.GetConnectionString("Redis");
        var blob = configuration.GetConnectionString("Blob");
        var missing = new[] { ("Redis", redis), ("Blob", blob) }.Where(c => string.IsNullOrWhiteSpace(c.Item2)).Select(c => $"ConnectionStrings:{c.Item1} (env ConnectionStrings__{c.Item1})").ToList();
        return missing.Count == 0
            ? new ClusterConnections(redis!, blob!)
            : throw new InvalidOperationException($"SelfDissonance:Profile=Cluster needs {string.Join(" and ", missing)}. scripts/services.sh starts Redis and Azurite on loopback and prints both.");
    }

    public override string ToString() => "ClusterConnections { Redis = ***, Blob = *** }";
}
