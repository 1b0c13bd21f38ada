using Azure.Storage.Queues;
using SelfDissonance.Runtime;

namespace SelfDissonance.Testing;

/// <summary>What the Azure profile's stream queues hold (approximate message counts), for reports.</summary>
public static class AzureQueueDepths
{
    public static async Task<Dictionary<string, string>> DescribeAsync(string connectionString, string serviceId)
    {
        var client = new QueueServiceClient(connectionString);
        var prefix = AzureNames.Prefix(serviceId);
        var result = new Dictionary<string, string>();
        await foreach (var queue in client.GetQueuesAsync(prefix: prefix))
        {
            var properties = await client.GetQueueClient(queue.Name).GetPropertiesAsync();
            result[queue.Name] = $"messages={properties.Value.ApproximateMessagesCount}";
        }

        return result;
    }
}
