using StackExchange.Redis;

namespace SelfDissonance.Testing;

/// <summary>What the cluster profile's Redis stream queues hold (length, pending, unread, dead letters), for reports.</summary>
public static class StreamQueues
{
    public static async Task<Dictionary<string, string>> DescribeAsync(string redis, string serviceId, string provider = "sd")
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        var db = connection.GetDatabase();
        var result = new Dictionary<string, string>();
        var server = connection.GetServers()[0];
        await foreach (var key in server.KeysAsync(pattern: $"{serviceId}:streams:{provider}:*"))
        {
            var length = await db.StreamLengthAsync(key);
            var groups = length > 0 || key.ToString().EndsWith(":dead", StringComparison.Ordinal) ? await SafeGroupsAsync(db, key) : [];
            result[key.ToString()] = $"len={length} " + string.Join(' ', groups.Select(g => $"{g.Name}:pending={g.PendingMessageCount},lag={g.Lag}"));
        }

        return result;
    }

    private static async Task<StreamGroupInfo[]> SafeGroupsAsync(IDatabase db, RedisKey key)
    {
        try
        {
            return await db.StreamGroupInfoAsync(key);
        }
        catch (RedisServerException)
        {
            return [];
        }
    }
}
