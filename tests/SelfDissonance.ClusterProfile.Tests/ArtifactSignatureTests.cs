using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using SelfDissonance.Learning.Ml;
using SelfDissonance.Models;
using SelfDissonance.Telemetry;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>
/// HMAC-SHA256-signed artifacts in Azure Blob Storage (a real Azurite): a model blob replaced by someone without the key
/// is refused on load even when the SHA-256 recorded for it was recomputed to match, and the alert metric goes up.
/// </summary>
public sealed class ArtifactSignatureTests(ClusterServices services)
{
    private static readonly ModelShape s_shape = new(2, 2);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    private BlobContainerClient NewContainer() => new BlobServiceClient(services.Azurite.ConnectionString).GetBlobContainerClient($"sig-{Guid.NewGuid():N}");

    private static SignedArtifactStore Signed(BlobContainerClient container, byte[] key) => new(
        new BlobArtifactStore(container, NullLogger<BlobArtifactStore>.Instance), new ArtifactSigner(key), NullLogger<SignedArtifactStore>.Instance);

    [Fact]
    public async Task A_model_blob_replaced_without_the_key_is_refused_on_load_even_with_a_recomputed_sha256()
    {
        var container = NewContainer();
        var store = Signed(container, _key);
        var loader = new ModelLoader(store, NullLogger<ModelLoader>.Instance);
        var task = $"sig-{Guid.NewGuid():N}"[..16];
        var genuine = Train(seed: 1).ToBytes();
        var artifact = await store.PutAsync($"tasks/{task}/models/proposer/{TrainedModel.Sha256Hex(genuine)}.zip", genuine, Ct);
        Assert.NotNull(artifact.Signature);
        var info = Version(task, artifact);
        Assert.Equal(1, (await loader.LoadAsync(info, s_shape, Ct)).Info.Version);

        // The attacker can write the blob and the registry's record of it, but has no signing key: a model of their own,
        // its SHA-256 recomputed into the reference, signed (if at all) with a key of their own.
        var forged = Train(seed: 99, flipLabels: true).ToBytes();
        await container.GetBlobClient(artifact.Key).UploadAsync(BinaryData.FromBytes(forged), overwrite: true, Ct);
        using var failures = new IntegrityFailures(task);
        var recomputed = info with { Version = 2, Artifact = artifact with { Sha256 = TrainedModel.Sha256Hex(forged), Bytes = forged.Length } };
        var resigned = info with { Version = 3, Artifact = recomputed.Artifact with { Signature = new ArtifactSigner(RandomNumberGenerator.GetBytes(32)).Sign(artifact.Key, forged) } };
        var stripped = info with { Version = 4, Artifact = recomputed.Artifact with { Signature = null } };

        foreach (var attempt in new[] { recomputed, resigned, stripped })
        {
            var refused = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => loader.LoadAsync(attempt, s_shape, Ct));
            Assert.Contains("HMAC-SHA256", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(3, failures.Count);

        // The SHA-256 check still comes first: the old reference (genuine SHA-256) no longer matches the bytes either.
        var stale = info with { Version = 5 };
        var shaRefused = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => loader.LoadAsync(stale, s_shape, Ct));
        Assert.Contains("SHA-256", shaRefused.Message, StringComparison.Ordinal);
        Assert.Equal(4, failures.Count);
    }

    [Fact]
    public async Task Silos_sharing_the_key_read_each_others_artifacts_and_a_silo_with_another_key_refuses_them()
    {
        var container = NewContainer();
        var bytes = "dataset segment"u8.ToArray();
        var artifact = await Signed(container, _key).PutAsync("tasks/t/segments/a.json", bytes, Ct);

        Assert.Equal(bytes, await Signed(container, [.. _key]).GetVerifiedAsync(artifact, Ct));
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => Signed(container, RandomNumberGenerator.GetBytes(32)).GetVerifiedAsync(artifact, Ct));

        // A valid signature is bound to its key: the same bytes moved under another key are refused.
        var moved = await new BlobArtifactStore(container, NullLogger<BlobArtifactStore>.Instance).PutAsync("tasks/t/segments/b.json", bytes, Ct);
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => Signed(container, _key).GetVerifiedAsync(moved with { Signature = artifact.Signature }, Ct));
    }

    [Fact]
    public void The_embedded_default_generates_a_key_once_and_keeps_it_and_the_cluster_profile_requires_one()
    {
        using var data = new TempDirectory("sd-keys");
        var first = ArtifactSigningKeys.Resolve(new ArtifactSigningOptions(), data.Path, cluster: false);
        var again = ArtifactSigningKeys.Resolve(new ArtifactSigningOptions(), data.Path, cluster: false);
        Assert.Equal(32, first.Length);
        Assert.Equal(first, again);
        var file = Path.Combine(data.Path, "keys", "artifact-signing.key");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var configured = Convert.ToBase64String(_key);
        Assert.Equal(_key, ArtifactSigningKeys.Resolve(new ArtifactSigningOptions { SigningKey = configured }, data.Path, cluster: true));
        var missing = Assert.Throws<InvalidOperationException>(() => ArtifactSigningKeys.Resolve(new ArtifactSigningOptions(), data.Path, cluster: true));
        Assert.Contains("SelfDissonance:Artifacts:SigningKey", missing.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => ArtifactSigningKeys.Resolve(new ArtifactSigningOptions { SigningKey = Convert.ToBase64String(new byte[16]) }, data.Path, cluster: true));
        Assert.DoesNotContain(configured, new ArtifactSigningOptions { SigningKey = configured }.ToString(), StringComparison.Ordinal);
    }

    private static TrainedModel Train(int seed, bool flipLabels = false)
    {
        var rows = TwoMoons.Generate(200, seed).Select(r => new TrainingRow([.. r.Features], flipLabels ? 1 - r.Label : r.Label, 1f)).ToList();
        return new LightGbmTrainer().Fit(s_shape, rows);
    }

    private static ModelVersionInfo Version(string task, ArtifactRef artifact) => new(
        task, ModelRole.Proposer, 1, ModelStage.Production, artifact,
        new ModelLineage(null, new LightGbmTrainer().Name, 200, 0, 0, null, 0.9, 0), DateTimeOffset.UtcNow, LiveAccuracy.None);

    /// <summary>Counts sd.artifacts.integrity_failures for one task (the meter is process-wide; other tests use other tasks).</summary>
    private sealed class IntegrityFailures : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public IntegrityFailures(string task)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SelfDissonanceMetrics.Name && instrument.Name == "sd.artifacts.integrity_failures")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "task" && Equals(tag.Value, task))
                    {
                        Interlocked.Add(ref _count, value);
                    }
                }
            });
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
