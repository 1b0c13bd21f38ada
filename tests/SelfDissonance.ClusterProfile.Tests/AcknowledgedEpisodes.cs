using System.Diagnostics;
using System.Net;
using System.Text.Json;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>Reads back what a load acknowledged: every episode id must end up completed (queued ones may still be running).</summary>
internal static class AcknowledgedEpisodes
{
    /// <summary>The completed records found within <paramref name="timeout"/>; ids missing from the answer were lost.</summary>
    public static async Task<Dictionary<string, EpisodeRecordResponse>> ReadCompletedAsync(IReadOnlyList<SiloProcess> gateways, IReadOnlyCollection<string> acked, TimeSpan timeout)
    {
        var records = new Dictionary<string, EpisodeRecordResponse>();
        var clock = Stopwatch.StartNew();
        while (records.Count < acked.Count && clock.Elapsed < timeout)
        {
            foreach (var chunk in acked.Where(id => !records.ContainsKey(id)).Chunk(32))
            {
                var gateway = gateways[records.Count % gateways.Count];
                var answers = await Task.WhenAll(chunk.Select(id => gateway.Http.GetAsync($"/v1/episodes/{id}", Ct)));
                foreach (var (id, answer) in chunk.Zip(answers))
                {
                    if (answer.StatusCode == HttpStatusCode.OK && JsonSerializer.Deserialize<EpisodeRecordResponse>(await answer.Content.ReadAsStringAsync(Ct), Json) is { Status: "completed" } record)
                    {
                        records[id] = record;
                    }
                }
            }

            if (records.Count < acked.Count)
            {
                await Task.Delay(200, Ct);
            }
        }

        return records;
    }
}
