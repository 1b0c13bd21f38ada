using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SelfDissonance.Silo.Gateway;

/// <summary>Reads request bodies strictly and turns every way they can be wrong into a problem with a reason code.</summary>
public static class RequestReader
{
    private const string BodyReadKey = "sd.bodyRead";

    public static async Task<T> ReadJsonAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            throw UnsupportedMediaType(request, "application/json");
        }

        try
        {
            var typeInfo = (JsonTypeInfo<T>)GatewayJson.Requests.GetTypeInfo(typeof(T));
            var body = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, cancellationToken);
            MarkBodyRead(request.HttpContext);
            return body ?? throw DomainException.BadRequest(ReasonCodes.InvalidBody, "The body must not be null.");
        }
        catch (JsonException e)
        {
            throw FromJsonException(e);
        }
    }

    /// <summary>A JSON body that may be one object or an array of objects.</summary>
    public static async Task<(T? Single, List<T>? Many)> ReadOneOrManyAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            throw UnsupportedMediaType(request, "application/json");
        }

        // The body is already bounded by the route's limit; buffer it and deserialize once, by its first character.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        MarkBodyRead(request.HttpContext);
        var json = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var start = json.StartsWith("\uFEFF"u8) ? json[3..] : json;
        start = start.TrimStart(" \t\r\n"u8);
        try
        {
            return start.IsEmpty ? throw DomainException.BadRequest(ReasonCodes.InvalidBody, "The body must be a JSON object or an array of objects.") : start[0] switch
            {
                (byte)'[' => (null, JsonSerializer.Deserialize(start, (JsonTypeInfo<List<T>>)GatewayJson.Requests.GetTypeInfo(typeof(List<T>)))),
                (byte)'{' => (JsonSerializer.Deserialize(start, (JsonTypeInfo<T>)GatewayJson.Requests.GetTypeInfo(typeof(T))), null),
                _ => throw DomainException.BadRequest(ReasonCodes.InvalidBody, "The body must be a JSON object or an array of objects."),
            };
        }
        catch (JsonException e)
        {
            throw FromJsonException(e);
        }
    }

    /// <summary>Whether the whole body arrived: a request timeout before that is the client's slowness (408), after it the server's (503).</summary>
    public static bool BodyRead(HttpContext context) => context.Items.ContainsKey(BodyReadKey);

    public static void MarkBodyRead(HttpContext context) => context.Items[BodyReadKey] = true;

    public static DomainException UnsupportedMediaType(HttpRequest request, string expected) =>
        new(ReasonCodes.UnsupportedMediaType, 415, "Unsupported content type.", $"Send '{expected}' (got '{request.ContentType ?? "none"}').");

    private static DomainException FromJsonException(JsonException e)
    {
        var where = e.Path is { Length: > 0 } path ? $" at {path}" : "";
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            var name = System.Text.RegularExpressions.Regex.Match(e.Message, "'([^']*)'").Groups[1].Value;
            return DomainException.BadRequest(ReasonCodes.UnknownField, "The body has a field this API does not know.", $"Unknown field '{name}'{where}; unknown fields are refused, never ignored.",
                [new FieldError(string.IsNullOrEmpty(e.Path) ? name : e.Path.TrimStart('$', '.'), "Unknown field.")]);
        }

        if (e.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return DomainException.BadRequest(ReasonCodes.MalformedJson, "The body has a duplicate key.", $"{FirstSentence(e.Message)}{where}");
        }

        return DomainException.BadRequest(ReasonCodes.MalformedJson, "The body is not valid JSON for this route.", $"{FirstSentence(e.Message)}{where}");
    }

    /// <summary>Serializer messages name internal .NET types after the first sentence; callers only need the first.</summary>
    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(". ", StringComparison.Ordinal);
        var first = i < 0 ? message : message[..(i + 1)];
        return first
            .Replace("System.Double", "a number", StringComparison.Ordinal)
            .Replace("System.Int32", "an integer", StringComparison.Ordinal)
            .Replace("System.String", "a string", StringComparison.Ordinal);
    }
}
