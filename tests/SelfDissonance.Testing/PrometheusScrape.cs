using System.Globalization;

namespace SelfDissonance.Testing;

/// <summary>Reads values from a silo's Prometheus text at /metrics.</summary>
public static class PrometheusScrape
{
    /// <summary>
    /// The sum of <paramref name="series"/> over its lines (each label set), only those holding <paramref name="label"/>
    /// (e.g. <c>task="t1"</c>) when given; 0 when the series is absent.
    /// </summary>
    public static async Task<double> SumAsync(HttpClient http, string series, string? label = null)
    {
        var text = await (await http.GetAsync("/metrics", Api.Ct)).EnsureSuccessStatusCode().Content.ReadAsStringAsync(Api.Ct);
        return text.Split('\n')
            .Where(l => l.Length > series.Length && l.StartsWith(series, StringComparison.Ordinal) && l[series.Length] is '{' or ' ')
            .Where(l => label is null || l.Contains(label, StringComparison.Ordinal))
            .Sum(l => double.Parse((l.Contains('}') ? l[(l.LastIndexOf('}') + 1)..] : l[series.Length..]).Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }
}
