using System.Net;
using System.Net.Http.Headers;
using SelfDissonance.Silo.Security;

namespace SelfDissonance.Testing;

/// <summary>
/// The admin key every test silo starts with (through SD_ADMIN_KEY, as an operator would configure it), and clients
/// that send it. Tests of access control create their own narrower keys with it.
/// </summary>
public static class TestKeys
{
    public const string Admin = "sd-test-admin-key-3c1f9a7e5b2d4c60";

    public const string Header = "X-Api-Key";

    /// <summary>An HttpClient on <paramref name="baseAddress"/> that sends <paramref name="key"/> (the admin key by default).</summary>
    public static HttpClient Client(Uri baseAddress, string? key = Admin, HttpMessageHandler? handler = null, TimeSpan? timeout = null)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.BaseAddress = baseAddress;
        http.Timeout = timeout ?? TimeSpan.FromSeconds(60);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add(Header, key);
        }

        return http;
    }

    /// <summary>Creates a key through POST /v1/keys with <paramref name="admin"/> (a client holding keys:admin).</summary>
    public static async Task<CreatedKeyResponse> CreateKeyAsync(this HttpClient admin, string name, IReadOnlyList<string> scopes, IReadOnlyList<string>? tasks = null, int? permitsPerSecond = null) =>
        await (await admin.PostAsync("/v1/keys", new CreateKeyRequest(name, scopes, tasks, permitsPerSecond))).ReadAsync<CreatedKeyResponse>(HttpStatusCode.Created);
}
