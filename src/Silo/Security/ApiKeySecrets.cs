using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using SelfDissonance.Security;

namespace SelfDissonance.Silo.Security;

/// <summary>
/// Key format and hashing. A key is <c>sd_{id}_{secret}</c>: the 12-hex id makes lookup O(1), the secret is 256 random
/// bits. Stored is only PBKDF2-SHA256 of the whole key with a per-key salt. The work factor is moderate on purpose: a
/// 256-bit random secret cannot be guessed however fast the hash, and the first request of a key on each silo pays it.
/// A key in another form (an admin key set through SD_ADMIN_KEY) has the id "admin".
/// </summary>
public static class ApiKeySecrets
{
    public const string Prefix = "sd_";
    public const string AdminId = "admin";
    public const int Iterations = 10_000;
    public const int MinimumAdminKeyLength = 16;
    private const int IdLength = 12;

    public static (string Id, string Key) New()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        return (id, $"{Prefix}{id}_{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}");
    }

    /// <summary>A generated admin key: not in the sd_{id}_ form, so it looks up as "admin".</summary>
    public static string NewAdmin() => "sd-admin-" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string IdOf(string key) =>
        key.Length > Prefix.Length + IdLength + 1 && key.StartsWith(Prefix, StringComparison.Ordinal) && key[Prefix.Length + IdLength] == '_'
            ? key.Substring(Prefix.Length, IdLength)
            : AdminId;

    public static bool IsWellFormedId(string id) => id.Length == IdLength && id.All(char.IsAsciiHexDigitLower);

    public static ApiKeyRecord Record(string id, string name, string key, IEnumerable<string> scopes, IEnumerable<string> tasks, int? permitsPerSecond, string by, DateTimeOffset at)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return new ApiKeyRecord(id, name, [.. scopes], [.. tasks], [.. salt], [.. Derive(key, salt, Iterations)], Iterations, at, by, null, null, permitsPerSecond);
    }

    public static bool Verify(string key, ApiKeyRecord record) =>
        CryptographicOperations.FixedTimeEquals(Derive(key, record.Salt.AsSpan(), record.Iterations), record.Hash.AsSpan());

    /// <summary>What a silo's cache compares a presented key with once the key store confirmed it: cheap, constant time.</summary>
    public static byte[] Fingerprint(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static byte[] Derive(string key, ReadOnlySpan<byte> salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(key), salt, iterations, HashAlgorithmName.SHA256, 32);
}
