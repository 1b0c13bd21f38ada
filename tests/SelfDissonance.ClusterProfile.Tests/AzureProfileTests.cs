using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Learning;
using SelfDissonance.Runtime;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>
/// The Azure profile for real, on Azurite's Table, Blob and Queue services: two silo processes find each other through
/// the membership table, episodes are stored in Table storage, control state in Blob storage, queued episodes travel
/// on Azure Queue streams with their finish reminders in the reminders table, and a promoted model is served from blob
/// artifacts by both gateways.
/// </summary>
public sealed class AzureProfileTests(ClusterServices services, ITestOutputHelper output)
{
    [Fact]
    public async Task Episodes_learning_and_a_promoted_model_run_on_azure_storage_alone()
    {
        await using var cluster = new ProcessCluster(services, silos: 2, new Dictionary<string, string?>
        {
            // Learning only when asked; reminders fire quickly so the test sees them come and go.
            ["SelfDissonance__Learning__CycleInterval"] = "00:10:00",
            ["SelfDissonance__Runtime__FinishReminderPeriod"] = "00:00:05",
        }, Profiles.Azure);
        await cluster.StartAsync();
        var (a, b) = (cluster.Silos[0].Http, cluster.Silos[1].Http);
        var tables = new TableServiceClient(services.Azurite.ConnectionString);
        var blobs = new BlobServiceClient(services.Azurite.ConnectionString);

        // Membership: both silos active in the Azure membership table, under this cluster id.
        var members = await RowsAsync(tables, "OrleansSiloInstances", cluster.ClusterId, exact: true);
        Assert.Equal(2, members.Count(r => r.GetString("Status") == "Active"));

        const string task = "azure";
        var data = TwoMoons.Generate(600, seed: 12);
        await a.CreateTwoMoonsTaskAsync(task, new PolicyUpdate { KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
        await b.BootstrapAsync(task, data[..60], data[60..360]);
        for (var i = 360; i < 480; i++)
        {
            var answer = await (await (i % 2 == 0 ? a : b).PostAsync($"/v1/tasks/{task}/episodes", new EpisodeRequest(Features(data[i]), TwoMoons.Classes[data[i].Label], $"az-{i}"))).ReadAsync<EpisodeResponse>();
            Assert.Equal(1, answer.ProposerVersion);
        }

        // The queue path: stored as received with a finish reminder (Azure Table), then run from an Azure Queue stream.
        var queued = Enumerable.Range(480, 40).Select(i => new EpisodeRequest(Features(data[i]), TwoMoons.Classes[data[i].Label], $"az-{i}")).ToList();
        // Reminder rows seen while the batch is taken in and run (each lives from intake until its episode completes).
        using var intakeDone = new CancellationTokenSource();
        var seen = WatchRowsAsync(tables, "OrleansReminders", cluster.ClusterId + "_", intakeDone.Token);
        await (await b.PostAsync($"/v1/tasks/{task}/episodes:batch", queued)).ReadAsync<BatchAcceptedResponse>(HttpStatusCode.Accepted);
        // Read right after the 202: an episode already run has removed its reminder, so each one has its row or is done
        // (a reminder row goes only after its episode completed, so "no row, not completed" means it never had one).
        var remindersAtIntake = await RowsAsync(tables, "OrleansReminders", cluster.ClusterId + "_");
        await Eventually.ReturnsAsync(() => a.MetricsAsync(task), m => m.Learner.EventsConsumed == 160, TimeSpan.FromSeconds(60), "the learner consuming 160 episodes");
        foreach (var i in new[] { 480, 500, 519 })
        {
            var record = await (await a.GetAsync($"/v1/episodes/az-{i}", Ct)).ReadAsync<EpisodeRecordResponse>();
            Assert.Equal("completed", record.Status);
        }

        // A resubmitted id keeps its record: the Table provider refuses a second insert, which intake takes as "already there".
        await (await a.PostAsync($"/v1/tasks/{task}/episodes:batch", queued.Take(3).ToList())).ReadAsync<BatchAcceptedResponse>(HttpStatusCode.Accepted);
        Assert.Equal("completed", (await (await b.GetAsync($"/v1/episodes/az-480", Ct)).ReadAsync<EpisodeRecordResponse>()).Status);

        var learned = await (await a.PostAsync($"/v1/tasks/{task}/learn", null, Ct)).ReadAsync<LearnResponse>();
        Assert.Equal(LearningOutcomes.Promoted, learned.Outcome);
        var version = learned.Proposer!.Version;
        // The control stream (Azure Queue) tells the other silo to load the new model from Blob storage.
        foreach (var http in new[] { a, b })
        {
            await Eventually.ReturnsAsync(
                async () => await (await http.PostJsonAsync($"/v1/tasks/{task}/predict", """{"features":{"x":0.5,"y":0.25}}""")).ReadAsync<PredictResponse>(),
                p => p.ProposerVersion == version,
                TimeSpan.FromSeconds(30),
                $"every gateway serving proposer v{version}");
        }

        // Where it all is: episode records in Table storage, control state, journal and artifacts in Blob storage.
        var episodeRows = await RowsAsync(tables, "OrleansGrainState", cluster.ClusterId + "_");
        Assert.True(episodeRows.Count >= 160, $"{episodeRows.Count} grain state rows for {cluster.ClusterId}");
        var episodeBytes = episodeRows.Select(r => r.Keys.Where(k => k.StartsWith("Data", StringComparison.Ordinal)).Sum(k => r.GetBinary(k)?.Length ?? 0)).ToList();
        var control = await BlobSizesAsync(blobs, AzureNames.Container(cluster.ClusterId, "state"));
        Assert.Contains(control.Keys, k => k.StartsWith("modelregistry", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(control.Keys, k => k.StartsWith("learner", StringComparison.OrdinalIgnoreCase));
        var artifacts = await BlobSizesAsync(blobs, cluster.ClusterId);
        Assert.NotEmpty(artifacts);
        Assert.True(await blobs.GetBlobContainerClient(AzureNames.Container(cluster.ClusterId, "journal")).ExistsAsync(Ct));

        // Each queued episode's reminder was in the reminders table; once the episode is done, the reminder removes itself.
        foreach (var episode in queued)
        {
            var hadRow = remindersAtIntake.Any(r => r.RowKey.Contains(episode.Id!, StringComparison.Ordinal)
                || r.Keys.Select(k => r[k]).OfType<string>().Any(v => v.Contains(episode.Id!, StringComparison.Ordinal)));
            if (!hadRow)
            {
                var status = (await (await a.GetAsync($"/v1/episodes/{episode.Id}", Ct)).ReadAsync<EpisodeRecordResponse>()).Status;
                Assert.True(status == "completed", $"{episode.Id}: no reminder row at intake and {status}");
            }
        }

        await intakeDone.CancelAsync();
        Assert.NotEmpty(await seen);
        await Eventually.ReturnsAsync(() => RowsAsync(tables, "OrleansReminders", cluster.ClusterId + "_"), r => r.Count == 0, TimeSpan.FromSeconds(60), "finished episodes' reminders removing themselves");

        var sizes = new
        {
            episodeRecordBytes = new { max = episodeBytes.Max(), mean = Math.Round(episodeBytes.Average()) },
            controlStateBytes = control,
            artifactBlobs = artifacts.Count,
        };
        output.WriteLine(JsonSerializer.Serialize(sizes));
        Report.Write("azure-state-sizes", JsonSerializer.Serialize(sizes));
    }

    [Fact]
    public async Task A_silo_on_the_azure_profile_without_storage_settings_names_the_missing_keys()
    {
        await using var cluster = new ProcessCluster(services, silos: 1, new Dictionary<string, string?> { ["ConnectionStrings__AzureStorage"] = null }, Profiles.Azure);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.Silos[0].StartAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("ConnectionStrings:AzureStorage", error.Message, StringComparison.Ordinal);
        Assert.Contains("SelfDissonance:Azure:TableServiceUri", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Rows whose partition key is <paramref name="partition"/> (exact) or starts with it.</summary>
    private static async Task<HashSet<string>> WatchRowsAsync(TableServiceClient tables, string table, string partition, CancellationToken stop)
    {
        var keys = new HashSet<string>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                keys.UnionWith((await RowsAsync(tables, table, partition)).Select(r => r.PartitionKey + "/" + r.RowKey));
            }
            catch (Azure.RequestFailedException e) when (e.Status == 404)
            {
                // The table is made with the first reminder.
            }

            await Task.Delay(20, CancellationToken.None);
        }

        return keys;
    }

    private static async Task<List<TableEntity>> RowsAsync(TableServiceClient tables, string table, string partition, bool exact = false)
    {
        var filter = exact
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            : TableClient.CreateQueryFilter($"PartitionKey ge {partition} and PartitionKey lt {partition + '\uffff'}");
        var rows = new List<TableEntity>();
        await foreach (var row in tables.GetTableClient(table).QueryAsync<TableEntity>(filter, cancellationToken: Ct))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static async Task<Dictionary<string, long>> BlobSizesAsync(BlobServiceClient blobs, string container)
    {
        var sizes = new Dictionary<string, long>();
        await foreach (var blob in blobs.GetBlobContainerClient(container).GetBlobsAsync(cancellationToken: Ct))
        {
            sizes[blob.Name] = blob.Properties.ContentLength ?? 0;
        }

        return sizes;
    }
}
