using System.Globalization;
using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Cli.Policy;

/// <summary>
/// The policy fields by their API names (camelCase, as in the README's policy table), for <c>k=v</c> arguments and for
/// showing a policy. Ranges are not checked here: the service validates them and names each field it refuses.
/// </summary>
internal static class PolicyFields
{
    public static IReadOnlyList<PolicyField> All { get; } =
    [
        new("dTarget", false, (u, v) => u with { DTarget = v }, p => p.DTarget),
        new("maxDissonance", false, (u, v) => u with { MaxDissonance = v }, p => p.MaxDissonance),
        new("lambda", false, (u, v) => u with { Lambda = v }, p => p.Lambda),
        new("lambdaMax", false, (u, v) => u with { LambdaMax = v }, p => p.LambdaMax),
        new("klEps", false, (u, v) => u with { KlEps = v }, p => p.KlEps),
        new("dBudgetPerHour", true, (u, v) => u with { DBudgetPerHour = (int)v }, p => p.DBudgetPerHour),
        new("minBatch", true, (u, v) => u with { MinBatch = (int)v }, p => p.MinBatch),
        new("goldenTolerance", false, (u, v) => u with { GoldenTolerance = v }, p => p.GoldenTolerance),
        new("canaryFraction", false, (u, v) => u with { CanaryFraction = v }, p => p.CanaryFraction),
        new("rollbackDrop", false, (u, v) => u with { RollbackDrop = v }, p => p.RollbackDrop),
        new("oodZMax", false, (u, v) => u with { OodZMax = v }, p => p.OodZMax),
        new("eta", false, (u, v) => u with { Eta = v }, p => p.Eta),
        new("dBudgetShare", false, (u, v) => u with { DBudgetShare = v }, p => p.DBudgetShare),
    ];

    public static string Names => string.Join(", ", All.Select(f => f.Name));

    /// <summary>Builds a partial update from <c>name=value</c> items (also comma-separated within one argument).</summary>
    public static PolicyUpdate Parse(IEnumerable<string> assignments) => Parse(assignments, out _);

    /// <summary>Like <see cref="Parse(IEnumerable{string})"/>, also giving the API names of the fields that were set.</summary>
    public static PolicyUpdate Parse(IEnumerable<string> assignments, out IReadOnlySet<string> names)
    {
        var update = new PolicyUpdate();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in assignments.SelectMany(a => a.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"'{item}' is not a policy assignment; use name=value with a name among: {Names}.");
            }

            var name = item[..equals].Trim();
            var text = item[(equals + 1)..].Trim();
            var field = All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new UsageException($"'{name}' is not a policy field; the fields are: {Names}.");
            if (!seen.Add(field.Name))
            {
                throw new UsageException($"Policy field {field.Name} is given twice.");
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw new UsageException($"{field.Name}={text}: the value must be a number.");
            }

            if (field.Integer && (value != Math.Floor(value) || value < int.MinValue || value > int.MaxValue))
            {
                throw new UsageException($"{field.Name}={text}: the value must be a whole number.");
            }

            update = field.Set(update, value);
        }

        names = seen;
        return seen.Count > 0 ? update : throw new UsageException($"No policy fields given; use name=value with a name among: {Names}.");
    }
}
