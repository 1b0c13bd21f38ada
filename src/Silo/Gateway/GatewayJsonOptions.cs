using System.Text.Json;

namespace SelfDissonance.Silo.Gateway;

internal static class GatewayJsonOptions
{
    public static readonly JsonSerializerOptions Responses = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        GatewayJson.ConfigureResponses(options);
        options.TypeInfoResolverChain.Add(new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver());
        options.MakeReadOnly();
        return options;
    }
}
