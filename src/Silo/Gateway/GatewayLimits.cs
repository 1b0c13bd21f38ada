using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Silo.Gateway;

/// <summary>The gateway's configurable limits on task shape and bootstrap size (GatewayOptions), checked before any grain is called.</summary>
public static class GatewayLimits
{
    public static void CheckTaskShape(CreateTaskRequest body, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(body);
        List<FieldError>? errors = null;
        if (body.Features?.Count > options.MaxFeatures)
        {
            (errors ??= []).Add(new FieldError("features", $"At most {options.MaxFeatures} features (got {body.Features.Count}).", $"1-{options.MaxFeatures} names"));
        }

        if (body.Classes?.Count > options.MaxClasses)
        {
            (errors ??= []).Add(new FieldError("classes", $"At most {options.MaxClasses} classes (got {body.Classes.Count}).", $"2-{options.MaxClasses} names"));
        }

        if (errors is not null)
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidTask, "The task is larger than this gateway allows.", string.Join(" ", errors.Select(e => e.Message)), [.. errors]);
        }
    }

    public static void CheckBootstrapRows(int rows, GatewayOptions options)
    {
        if (rows > options.MaxBootstrapRows)
        {
            throw DomainException.BadRequest(ReasonCodes.BatchTooLarge, "The bootstrap has too many rows.", $"Send at most {options.MaxBootstrapRows} rows, training and golden together (got {rows}).");
        }
    }

    /// <summary>Counts lines before the CSV is parsed, so an oversize file is refused without building its rows.</summary>
    public static void CheckCsvRows(ReadOnlySpan<byte> csv, GatewayOptions options)
    {
        var lines = csv.Count((byte)'\n') + (csv.IsEmpty || csv[^1] == (byte)'\n' ? 0 : 1);
        CheckBootstrapRows(Math.Max(0, lines - 1), options);
    }
}
