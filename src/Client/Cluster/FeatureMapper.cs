using System.Collections.Immutable;

namespace SelfDissonance.Client.Cluster;

/// <summary>Turns a {name: value} object into the task's ordered feature vector, refusing anything not exactly the schema.</summary>
internal static class FeatureMapper
{
    public static ImmutableArray<float> Map(TaskSchema task, IReadOnlyDictionary<string, double>? features, string field = "features")
    {
        if (features is null)
        {
            throw DomainException.BadRequest(ReasonCodes.MissingFeature, "Features are required.", $"'{field}' must be an object with the task's {task.Definition.FeatureCount} features.",
                [new FieldError(field, "Required.", string.Join(", ", task.Definition.Features))]);
        }

        var values = new float[task.Definition.FeatureCount];
        var seen = new bool[values.Length];
        List<FieldError>? unknown = null, invalid = null;
        foreach (var (name, value) in features)
        {
            if (!task.FeatureIndex.TryGetValue(name, out var index))
            {
                (unknown ??= []).Add(new FieldError($"{field}.{Ids.Printable(name)}", "Not a feature of this task.", string.Join(", ", task.Definition.Features)));
                continue;
            }

            // Values must survive the conversion to the models' 32-bit floats.
            if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
            {
                (invalid ??= []).Add(new FieldError($"{field}.{name}", "Must be a finite number within ±3.4e38."));
                continue;
            }

            values[index] = (float)value;
            seen[index] = true;
        }

        if (unknown is not null)
        {
            throw DomainException.BadRequest(ReasonCodes.UnknownFeature, "The request has features this task does not have.", string.Join(" ", unknown.Select(e => e.Field)), [.. unknown]);
        }

        if (invalid is not null)
        {
            throw DomainException.BadRequest(ReasonCodes.NonFiniteFeature, "Feature values must be finite numbers.", string.Join(" ", invalid.Select(e => e.Field)), [.. invalid]);
        }

        var missing = task.Definition.Features.Where((_, i) => !seen[i]).ToList();
        if (missing.Count > 0)
        {
            throw DomainException.BadRequest(ReasonCodes.MissingFeature, "The request lacks features of this task.", $"Missing: {string.Join(", ", missing)}.",
                [.. missing.Select(m => new FieldError($"{field}.{m}", "Missing."))]);
        }

        return ImmutableArray.Create(values);
    }

    public static void CheckLabel(TaskSchema task, string? label, string field = "label")
    {
        if (label is not null && task.Definition.ClassIndex(label) < 0)
        {
            throw DomainException.UnknownLabel(label, task.Definition.Classes, field);
        }
    }
}
