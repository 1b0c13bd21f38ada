using System.Text.RegularExpressions;

namespace SelfDissonance.Console.Tests;

/// <summary>Just enough reading of chromium's serialized DOM: start tags, their attributes, an element's inner text.</summary>
public static partial class Dom
{
    /// <summary>The start tags of <paramref name="name"/> elements, in document order.</summary>
    public static IReadOnlyList<string> StartTags(string dom, string name) =>
        [.. Regex.Matches(dom, $@"<{name}\b[^>]*>", RegexOptions.IgnoreCase).Select(m => m.Value)];

    /// <summary>An attribute's value in a start tag; null when absent.</summary>
    public static string? Attribute(string startTag, string name)
    {
        var match = Regex.Match(startTag, $@"\s{Regex.Escape(name)}(?:=""([^""]*)"")?(?=[\s>/])", RegexOptions.IgnoreCase);
        return match.Success ? System.Net.WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    /// <summary>The markup of the element whose attribute has this value, up to its closing tag (for elements that do not nest in themselves).</summary>
    public static string Element(string dom, string tag, string attribute, string value)
    {
        var match = Regex.Match(dom, $@"<{tag}\b[^>]*\s{Regex.Escape(attribute)}=""{Regex.Escape(value)}""[^>]*>.*?</{tag}>", RegexOptions.Singleline | RegexOptions.IgnoreCase);
        Assert.True(match.Success, $"no <{tag} {attribute}=\"{value}\"> in the DOM");
        return match.Value;
    }

    public static string ElementById(string dom, string tag, string id) => Element(dom, tag, "id", id);

    /// <summary>The start tag of the element with this id.</summary>
    public static string StartTagById(string dom, string tag, string id) =>
        StartTags(dom, tag).SingleOrDefault(t => Attribute(t, "id") == id) ?? throw new Xunit.Sdk.XunitException($"no <{tag} id=\"{id}\"> in the DOM");

    /// <summary>The body's start tag (where the page records data-ready).</summary>
    public static string Body(string dom) => StartTags(dom, "body").Single();

    public static string Text(string markup) => System.Net.WebUtility.HtmlDecode(TagPattern().Replace(markup, " "));

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();
}
