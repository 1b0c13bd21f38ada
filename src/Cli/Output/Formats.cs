using System.Globalization;

namespace SelfDissonance.Cli.Output;

/// <summary>How numbers and times are shown in human output (invariant culture: output must not depend on the locale).</summary>
internal static class Formats
{
    public static string Percent(double? value) => value is { } v ? v.ToString("P1", CultureInfo.InvariantCulture) : "-";

    public static string Number(double? value, string format = "0.####") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Version(int? version) => version is { } v ? "v" + v.ToString(CultureInfo.InvariantCulture) : "-";

    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    public static string Clock(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    public static string Milliseconds(double ms) => ms.ToString("0", CultureInfo.InvariantCulture) + " ms";

    public static string List(IEnumerable<string> items) => string.Join(", ", items) is { Length: > 0 } text ? text : "-";
}
