using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SelfDissonance.Learning.Ml;
using SelfDissonance.Telemetry;

namespace SelfDissonance.Models;

/// <summary>
/// Loads model versions once per silo: bytes from the artifact store (SHA-256 verified), deserialized once, shared by
/// every grain on the silo. A failed load is not cached, so a repaired artifact loads on the next attempt.
/// </summary>
public sealed partial class ModelLoader(IArtifactStore store, ILogger<ModelLoader> logger)
{
    private const int VersionsKeptPerLineage = 6;
    private readonly ConcurrentDictionary<(string Task, ModelRole Role, int Version, string Sha), Lazy<Task<LoadedModel>>> _models = new();

    public Task<LoadedModel> LoadAsync(ModelVersionInfo info, ModelShape shape, CancellationToken cancellationToken = default)
    {
        var key = (info.TaskId, info.Role, info.Version, info.Artifact.Sha256);
        var lazy = _models.GetOrAdd(key, _ => new Lazy<Task<LoadedModel>>(() => LoadCoreAsync(info, shape, cancellationToken)));
        return AwaitOrForgetAsync(key, lazy);
    }

    /// <summary>Drops cached versions of a lineage beyond the newest few, keeping the ones named.</summary>
    public void Trim(string taskId, ModelRole role, params int[] keep)
    {
        var versions = _models.Keys.Where(k => k.Task == taskId && k.Role == role).OrderByDescending(k => k.Version).ToList();
        foreach (var k in versions.Skip(VersionsKeptPerLineage).Where(k => !keep.Contains(k.Version)))
        {
            _models.TryRemove(k, out _);
        }
    }

    private async Task<LoadedModel> AwaitOrForgetAsync((string, ModelRole, int, string) key, Lazy<Task<LoadedModel>> lazy)
    {
        try
        {
            return await lazy.Value;
        }
        catch
        {
            _models.TryRemove(new KeyValuePair<(string, ModelRole, int, string), Lazy<Task<LoadedModel>>>(key, lazy));
            throw;
        }
    }

    private async Task<LoadedModel> LoadCoreAsync(ModelVersionInfo info, ModelShape shape, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await store.GetVerifiedAsync(info.Artifact, cancellationToken);
        }
        catch (ArtifactIntegrityException e)
        {
            SelfDissonanceMetrics.ArtifactIntegrityFailures.Add(1, new KeyValuePair<string, object?>("task", info.TaskId), new KeyValuePair<string, object?>("role", info.Role.ToWire()));
            LogRefused(logger, info.TaskId, info.Role.ToWire(), info.Version, e.Message);
            throw;
        }

        try
        {
            var model = TrainedModel.FromBytes(bytes, shape, info.Lineage.Trainer);
            LogLoaded(logger, info.TaskId, info.Role.ToWire(), info.Version, bytes.Length);
            return new LoadedModel(info, model);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SelfDissonanceMetrics.ModelLoadFailures.Add(1, new KeyValuePair<string, object?>("task", info.TaskId), new KeyValuePair<string, object?>("role", info.Role.ToWire()));
            LogLoadFailed(logger, e, info.TaskId, info.Role.ToWire(), info.Version);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Task} {Role} v{Version} ({Bytes} bytes, SHA-256 verified)")]
    private static partial void LogLoaded(ILogger logger, string task, string role, int version, int bytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused to load {Task} {Role} v{Version}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string task, string role, int version, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not deserialize {Task} {Role} v{Version}")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception, string task, string role, int version);
}
