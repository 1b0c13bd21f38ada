using System.Collections.Immutable;
using SelfDissonance.Security;
using SelfDissonance.Silo.Security;
using static SelfDissonance.Silo.Gateway.GatewayResults;

namespace SelfDissonance.Silo.Gateway;

/// <summary>API key management (scope keys:admin): create (the secret is shown once), list without secrets, revoke.</summary>
public static class KeyEndpoints
{
    public static RouteGroupBuilder MapKeyEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapPost("/keys", CreateAsync).Describe<CreateKeyRequest, CreatedKeyResponse>("CreateKey", "Create an API key with scopes, optionally limited to tasks. The secret is in this answer only.", StatusCodes.Status201Created);
        v1.MapGet("/keys", ListAsync).Describe<KeyListResponse>("ListKeys", "Every key with its scopes and tasks; never a secret.");
        v1.MapDelete("/keys/{id}", RevokeAsync).Describe<KeyResponse>("RevokeKey", "Revoke a key: refused on every silo within a second.");
        return v1;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, IGrainFactory grains, TimeProvider time)
    {
        var body = await RequestReader.ReadJsonAsync<CreateKeyRequest>(context.Request, context.RequestAborted);
        var errors = Validate(body);
        if (errors.Length > 0)
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidBody, "The key request is not valid.", string.Join(" ", errors.Select(e => $"{e.Field}: {e.Message}")), errors);
        }

        var store = grains.GetGrain<IApiKeyStoreGrain>(IApiKeyStoreGrain.Key);
        while (true)
        {
            var (id, key) = ApiKeySecrets.New();
            var record = ApiKeySecrets.Record(id, body.Name, key, body.Scopes.Distinct(StringComparer.Ordinal), (body.Tasks ?? []).Distinct(StringComparer.Ordinal), body.PermitsPerSecond, SecurityClaims.Who(context.User), time.GetUtcNow());
            if (await store.CreateAsync(record))
            {
                await AuditTrail.RecordAsync(context, AuditActions.KeyCreated, null, $"{id} '{body.Name}' scopes [{string.Join(' ', record.Scopes)}] tasks [{string.Join(' ', record.Tasks)}]");
                context.Response.Headers.Location = $"/v1/keys/{id}";
                context.Response.Headers.CacheControl = "no-store";
                return Json(new CreatedKeyResponse(key, KeyResponse.From(record)), StatusCodes.Status201Created);
            }
        }
    }

    private static async Task<IResult> ListAsync(IGrainFactory grains) =>
        Json(new KeyListResponse([.. (await grains.GetGrain<IApiKeyStoreGrain>(IApiKeyStoreGrain.Key).ListAsync()).Select(KeyResponse.From)]));

    private static async Task<IResult> RevokeAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var revoked = await grains.GetGrain<IApiKeyStoreGrain>(IApiKeyStoreGrain.Key).RevokeAsync(id, SecurityClaims.Who(context.User))
            ?? throw DomainException.NotFound(ReasonCodes.KeyNotFound, "No such key.", $"Key '{Ids.Printable(id)}' does not exist.");
        await AuditTrail.RecordAsync(context, AuditActions.KeyRevoked, null, $"{id} '{revoked.Name}'");
        return Json(KeyResponse.From(revoked));
    }

    private static ImmutableArray<FieldError> Validate(CreateKeyRequest body)
    {
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 64)
        {
            errors.Add(new FieldError("name", "1-64 characters."));
        }

        if (body.Scopes is not { Count: > 0 } || body.Scopes.Any(s => !ApiScopes.All.Contains(s)))
        {
            errors.Add(new FieldError("scopes", "One or more known scopes.", string.Join(", ", ApiScopes.All)));
        }

        if (body.Tasks is { } tasks && tasks.Any(t => !Ids.IsValidTaskId(t)))
        {
            errors.Add(new FieldError("tasks", Ids.TaskIdRule));
        }

        if (body.PermitsPerSecond is < 1 or > 1_000_000)
        {
            errors.Add(new FieldError("permitsPerSecond", "1-1000000."));
        }

        return errors.ToImmutable();
    }
}
