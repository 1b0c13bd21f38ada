using System.Collections.Immutable;
using System.Globalization;
using SelfDissonance.Learning;

namespace SelfDissonance.Client.Cluster;

/// <summary>The paging arguments of <c>GET /v1/tasks/{task}/cycles</c>: <c>limit</c> 1–500 (default 50), <c>before</c> a cycle number from 1.</summary>
internal static class CyclePaging
{
    public const string LimitRange = "an integer from 1 to 500";
    public const string BeforeRange = "an integer from 1 (a cycle number)";

    /// <summary>The query string's values, refused with 400 <c>invalid_query</c> when not integers in range.</summary>
    public static (int Limit, long? Before) Parse(string? limit, string? before)
    {
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        int? parsedLimit = null;
        long? parsedBefore = null;
        if (limit is not null)
        {
            if (int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var l))
            {
                parsedLimit = l;
            }
            else
            {
                errors.Add(new FieldError("limit", "Not an integer in range.", LimitRange));
            }
        }

        if (before is not null)
        {
            if (long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var b))
            {
                parsedBefore = b;
            }
            else
            {
                errors.Add(new FieldError("before", "Not an integer in range.", BeforeRange));
            }
        }

        if (errors.Count > 0)
        {
            throw Invalid(errors.ToImmutable());
        }

        return Validate(parsedLimit, parsedBefore);
    }

    public static (int Limit, long? Before) Validate(int? limit, long? before)
    {
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        if (limit is < 1 or > ICycleLogGrain.MaxLimit)
        {
            errors.Add(new FieldError("limit", $"Out of range: {limit}.", LimitRange));
        }

        if (before is < 1)
        {
            errors.Add(new FieldError("before", $"Out of range: {before}.", BeforeRange));
        }

        return errors.Count > 0 ? throw Invalid(errors.ToImmutable()) : (limit ?? ICycleLogGrain.DefaultLimit, before);
    }

    private static DomainException Invalid(ImmutableArray<FieldError> errors) => DomainException.BadRequest(
        ReasonCodes.InvalidQuery,
        "The query is invalid.",
        string.Join(" ", errors.Select(e => $"{e.Field}: {e.Allowed}.")),
        errors);
}
