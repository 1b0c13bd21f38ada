using Microsoft.Extensions.Options;
using SelfDissonance.Runtime;
using SelfDissonance.Security;

namespace SelfDissonance.Silo.Security;

/// <summary>
/// The first key: from SD_ADMIN_KEY or <see cref="SecurityOptions.AdminKeyFile"/> (stored, replacing a different
/// stored admin key: that is how it is rotated); otherwise generated once into a 0600 file under the data directory,
/// whose path (never the key) is logged.
/// </summary>
public sealed partial class AdminKeyBootstrap(
    IGrainFactory grains,
    IConfiguration configuration,
    IOptions<SecurityOptions> security,
    IOptions<SelfDissonanceOptions> service,
    TimeProvider time,
    ILogger<AdminKeyBootstrap> logger) : IHostedService
{
    public const string GeneratedFileName = "admin.key";

    public string GeneratedKeyPath => Path.GetFullPath(Path.Combine(service.Value.DataDirectory, GeneratedFileName));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var store = grains.GetGrain<IApiKeyStoreGrain>(IApiKeyStoreGrain.Key);
        var stored = await store.GetAsync(ApiKeySecrets.AdminId);
        if (Configured(cancellationToken) is { } configured)
        {
            if (configured.Length < ApiKeySecrets.MinimumAdminKeyLength)
            {
                throw new InvalidOperationException($"The admin key ({SecurityOptions.AdminKeyVariable} or {SecurityOptions.Section}:AdminKeyFile) must be at least {ApiKeySecrets.MinimumAdminKeyLength} characters.");
            }

            if (stored is null || stored.IsRevoked || !ApiKeySecrets.Verify(configured, stored))
            {
                await store.EnsureAdminAsync(Admin(configured), replace: true);
            }

            LogConfigured(logger);
            return;
        }

        var path = GeneratedKeyPath;
        if (File.Exists(path))
        {
            var key = (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
            if (stored is null)
            {
                await store.EnsureAdminAsync(Admin(key), replace: false);
            }
            else if (!ApiKeySecrets.Verify(key, stored))
            {
                LogFileStale(logger, path);
                return;
            }

            LogFromFile(logger, path);
            return;
        }

        if (stored is not null)
        {
            LogExists(logger);
            return;
        }

        var generated = ApiKeySecrets.NewAdmin();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            await using var file = new StreamWriter(path, options);
            await file.WriteLineAsync(generated.AsMemory(), cancellationToken);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another silo sharing this data directory wrote it first: that one is the key.
            await StartAsync(cancellationToken);
            return;
        }

        if (await store.EnsureAdminAsync(Admin(generated), replace: false))
        {
            LogGenerated(logger, path);
        }
        else
        {
            // Another silo stored its own generated key first: ours would be a key that opens nothing.
            File.Delete(path);
            LogExists(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private string? Configured(CancellationToken cancellationToken)
    {
        if (configuration[SecurityOptions.AdminKeyVariable] is { Length: > 0 } key)
        {
            return key.Trim();
        }

        return security.Value.AdminKeyFile is { Length: > 0 } file ? File.ReadAllText(file).Trim() : null;
    }

    private ApiKeyRecord Admin(string key) =>
        ApiKeySecrets.Record(ApiKeySecrets.AdminId, "admin", key, ApiScopes.All, [], null, AuditActions.System, time.GetUtcNow());

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin API key: from configuration")]
    private static partial void LogConfigured(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin API key generated and written to {Path} (readable by this user only). Send it as the X-Api-Key header, or sign in to the console with it at /login/")]
    private static partial void LogGenerated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin API key: the one in {Path}")]
    private static partial void LogFromFile(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} does not hold the stored admin key (it was replaced through configuration); it no longer opens anything")]
    private static partial void LogFileStale(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin API key: already stored (configured before, or generated by another silo)")]
    private static partial void LogExists(ILogger logger);
}
