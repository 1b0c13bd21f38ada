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

    /// <summary>What a gateway answers for each of <paramref name="ids"/> (status and record status), to say where a lost one stopped.</summary>
    public static async Task<List<string>> DescribeAsync(SiloProcess gateway, IEnumerable<string> ids)
    {
        var described = new List<string>();
        foreach (var id in ids)
        {
            using var answer = await gateway.Http.GetAsync($"/v1/episodes/{id}", Ct);
            var body = await answer.Content.ReadAsStringAsync(Ct);
            described.Add($"{id}: {(int)answer.StatusCode} {body[..Math.Min(body.Length, 300)]}");
        }

        return described;
    }

    /// <summary>
    /// Where the queue entries of lost queued episodes are in Redis: per id, each entry holding it (queue, entry id),
    /// whether the group still has it pending (and its delivery count) or acknowledged it, and the dead-letter count.
    /// </summary>
    public static async Task<List<string>> TraceQueueEntriesAsync(string redis, string keyPrefix, int queues, IEnumerable<string> ids)
    {
        using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis);
        var db = connection.GetDatabase();
        var wanted = ids.ToList();
        var found = wanted.ToDictionary(id => id, _ => new List<string>());
        for (var q = 0; q < queues; q++)
        {
            var key = $"{keyPrefix}:{q}";
            var pending = (await db.StreamPendingMessagesAsync(key, "sd", 100_000, StackExchange.Redis.RedisValue.Null)).ToDictionary(p => (string)p.MessageId!, p => p);
            foreach (var entry in await db.StreamRangeAsync(key))
            {
                var payload = (byte[]?)entry["b"] ?? [];
                foreach (var id in wanted)
                {
                    if (Contains(payload, System.Text.Encoding.UTF8.GetBytes(id)))
                    {
                        var state = pending.TryGetValue((string)entry.Id!, out var p) ? $"pending at {p.ConsumerName} after {p.DeliveryCount} deliveries" : "acknowledged";
                        found[id].Add($"queue {q} entry {entry.Id}: {state}");
                    }
                }
            }
        }

        var dead = await db.StreamLengthAsync($"{keyPrefix}:dead");
        return [.. found.Select(f => $"{f.Key}: {(f.Value.Count == 0 ? "no entry" : string.Join("; ", f.Value))}"), $"dead letters: {dead}"];
    }

    private static bool Contains(byte[] payload, byte[] id)
    {
        for (var i = payload.AsSpan().IndexOf(id); i >= 0;)
        {
            var end = i + id.Length;
            if (end >= payload.Length || !char.IsAsciiDigit((char)payload[end]))
            {
                return true;
            }

            var next = payload.AsSpan(i + 1).IndexOf(id);
            i = next < 0 ? -1 : i + 1 + next;
        }

        return false;
    }
}
