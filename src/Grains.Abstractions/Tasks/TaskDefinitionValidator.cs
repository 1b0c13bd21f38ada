using System.Collections.Immutable;

namespace SelfDissonance.Tasks;

public static class TaskDefinitionValidator
{
    public const int MaxFeatures = 1024;
    public const int MinClasses = 2;
    public const int MaxClasses = 100;

    /// <summary>Column names a bootstrap CSV reserves; features may not use them.</summary>
    public static readonly ImmutableArray<string> ReservedNames = ["label", "split"];

    public static ImmutableArray<FieldError> Validate(string? id, IReadOnlyList<string>? features, IReadOnlyList<string>? classes)
    {
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        if (!Ids.IsValidTaskId(id))
        {
            errors.Add(new FieldError("id", $"'{id}' is not a valid task id.", Ids.TaskIdRule));
        }

        if (features is null || features.Count is 0 or > MaxFeatures)
        {
            errors.Add(new FieldError("features", $"A task has 1 to {MaxFeatures} features (got {features?.Count ?? 0}).", $"1-{MaxFeatures} names"));
        }
        else
        {
            for (var i = 0; i < features.Count; i++)
            {
                if (!Ids.IsValidFeatureName(features[i]) || ReservedNames.Contains(features[i]))
                {
                    errors.Add(new FieldError($"features[{i}]", $"'{features[i]}' is not a valid feature name.", Ids.FeatureNameRule + "; not 'label' or 'split'"));
                }
            }

            foreach (var dup in features.GroupBy(f => f, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                errors.Add(new FieldError("features", $"Feature '{dup.Key}' appears {dup.Count()} times.", "unique names"));
            }
        }

        if (classes is null || classes.Count is < MinClasses or > MaxClasses)
        {
            errors.Add(new FieldError("classes", $"A task has {MinClasses} to {MaxClasses} classes (got {classes?.Count ?? 0}).", $"{MinClasses}-{MaxClasses} names"));
        }
        else
        {
            for (var i = 0; i < classes.Count; i++)
            {
                if (!Ids.IsValidClassName(classes[i]))
                {
                    errors.Add(new FieldError($"classes[{i}]", $"'{classes[i]}' is not a valid class name.", Ids.ClassNameRule));
                }
            }

            foreach (var dup in classes.GroupBy(c => c, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                errors.Add(new FieldError("classes", $"Class '{dup.Key}' appears {dup.Count()} times.", "unique names"));
            }
        }

        return errors.ToImmutable();
    }
}
