using System.ComponentModel.DataAnnotations;

namespace SelfDissonance.Client;

/// <summary>Settings of <see cref="SelfDissonanceHttpClient"/>, bound from <see cref="SectionName"/> by default.</summary>
public sealed class SelfDissonanceClientOptions
{
    /// <summary>The configuration section the options are bound from: <c>SelfDissonance:Client</c>.</summary>
    public const string SectionName = "SelfDissonance:Client";

    /// <summary>The gateway's address, e.g. <c>http://127.0.0.1:5080</c> (absolute http or https). Required.</summary>
    [Required(ErrorMessage = "SelfDissonance:Client:BaseAddress is required: the gateway's absolute http(s) address, e.g. http://127.0.0.1:5080.")]
    [AbsoluteHttpUri]
    public Uri? BaseAddress { get; set; }

    /// <summary>Optional API key, sent as the <c>X-Api-Key</c> header when set. Redacted by <see cref="ToString"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Time limit of one attempt (not of the whole call with its retries). Default 30 s; 1 ms to 1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = "SelfDissonance:Client:Timeout must be between 1 ms and 1 h.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Time limit of one attempt of the calls that train (bootstrap, learn): a cycle on a busy node takes minutes, and the
    /// gateway allows them 10 minutes. Default 10 min; 1 ms to 1 h.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = "SelfDissonance:Client:TrainingTimeout must be between 1 ms and 1 h.")]
    public TimeSpan TrainingTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Retries after the first attempt of an operation that is safe to retry. Default 3; 0 to 10.</summary>
    [Range(0, 10, ErrorMessage = "SelfDissonance:Client:MaxRetries must be between 0 and 10.")]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Delay before the first retry; doubled for each next one, with jitter. Default 200 ms; 0 to 1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "SelfDissonance:Client:RetryBaseDelay must be between 0 and 1 min.")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The settings, with the API key redacted.</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() =>
        $"BaseAddress={BaseAddress}, ApiKey={(string.IsNullOrEmpty(ApiKey) ? "(none)" : "***")}, Timeout={Timeout}, TrainingTimeout={TrainingTimeout}, MaxRetries={MaxRetries}, RetryBaseDelay={RetryBaseDelay}";
}

/// <summary>Null, or an absolute http or https address.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class AbsoluteHttpUriAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is not Uri address || (address.IsAbsoluteUri && (address.Scheme == Uri.UriSchemeHttp || address.Scheme == Uri.UriSchemeHttps))
            ? ValidationResult.Success
            : new ValidationResult($"SelfDissonance:Client:{validationContext.MemberName} must be an absolute http or https address (got '{value}').", validationContext.MemberName is { } member ? [member] : null);
}
