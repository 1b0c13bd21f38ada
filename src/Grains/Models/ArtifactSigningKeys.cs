using System.Security.Cryptography;

namespace SelfDissonance.Models;

/// <summary>Where the signing key comes from: configuration, or (embedded default only) a key generated once and kept on disk.</summary>
public static class ArtifactSigningKeys
{
    public static byte[] Resolve(ArtifactSigningOptions options, string dataDirectory, bool cluster)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            return Decode(options.SigningKey, $"{ArtifactSigningOptions.Section}:SigningKey");
        }

        if (cluster)
        {
            throw new InvalidOperationException(
                $"SelfDissonance:Profile=Cluster or Azure needs {ArtifactSigningOptions.Section}:SigningKey (env SelfDissonance__Artifacts__SigningKey): base64 of at least {ArtifactSigningOptions.MinKeyBytes} random bytes, the same on every silo (openssl rand -base64 32).");
        }

        var path = options.KeyFile ?? Path.Combine(dataDirectory, "keys", "artifact-signing.key");
        if (File.Exists(path))
        {
            return Decode(File.ReadAllText(path).Trim(), path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(ArtifactSigningOptions.MinKeyBytes);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            File.Move(temp, path, overwrite: false);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another silo process on the same folder generated one first; use it.
            File.Delete(temp);
            return Decode(File.ReadAllText(path).Trim(), path);
        }
    }

    private static byte[] Decode(string base64, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The artifact signing key in {source} is not base64.");
        }

        return key.Length >= ArtifactSigningOptions.MinKeyBytes
            ? key
            : throw new InvalidOperationException($"The artifact signing key in {source} has {key.Length} bytes; it needs at least {ArtifactSigningOptions.MinKeyBytes}.");
    }
}
