using System.Text;

namespace SelfDissonance.Deploy.Tests;

/// <summary>One variable of a container's environment and where its value comes from.</summary>
public sealed record EnvVar(string Name, int Order, string? Value, string? FieldPath, string? SecretName, string? SecretKey, string Source);

/// <summary>
/// A container's environment as the kubelet builds it: envFrom ConfigMaps first, then env in order (a later entry wins).
/// </summary>
public sealed class ContainerEnvironment
{
    private readonly Dictionary<string, EnvVar> _vars = new(StringComparer.Ordinal);

    public ContainerEnvironment(Overlay overlay, Node container)
    {
        var order = 0;
        foreach (var from in container["envFrom"].Items)
        {
            var name = from["configMapRef"]["name"].String;
            var configMap = overlay.Find("ConfigMap", name)
                ?? throw new InvalidOperationException($"{overlay.Name}: {from.Path} names ConfigMap {name}, which is not rendered.");
            foreach (var (key, value) in configMap.Root["data"].Strings)
            {
                _vars[key] = new EnvVar(key, order++, value, null, null, null, $"ConfigMap/{name}");
            }
        }

        foreach (var env in container["env"].Items)
        {
            var name = env["name"].String;
            var from = env["valueFrom"];
            _vars[name] = new EnvVar(
                name,
                order++,
                env["value"].Text,
                from["fieldRef"]["fieldPath"].Text,
                from["secretKeyRef"]["name"].Text,
                from["secretKeyRef"]["key"].Text,
                env.Path);
        }
    }

    public IReadOnlyCollection<EnvVar> All => _vars.Values;

    public EnvVar this[string name] =>
        _vars.TryGetValue(name, out var v) ? v : throw new InvalidOperationException($"{name} is not set (set: {string.Join(", ", _vars.Keys.Order())}).");

    public bool Has(string name) => _vars.ContainsKey(name);

    /// <summary>A literal value, or a Secret's value when the overlay renders that Secret (dev); null otherwise.</summary>
    public string? Resolve(Overlay overlay, string name)
    {
        var v = this[name];
        if (v.SecretName is null)
        {
            return v.Value;
        }

        var secret = overlay.Find("Secret", v.SecretName);
        if (secret is null)
        {
            return null;
        }

        var data = secret.Root["data"][v.SecretKey!];
        return data.Exists ? Encoding.UTF8.GetString(Convert.FromBase64String(data.String)) : secret.Root["stringData"][v.SecretKey!].String;
    }
}
