using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Console.Tests;

/// <summary>Screenshots of the console and the dashboard, kept by CI from artifacts/screenshots/ (see the README).</summary>
public sealed class ScreenshotTests(ConsoleFixture fixture)
{
    public const int Width = 1400;

    [Theory]
    [InlineData("overview", "/console/", 900)]
    [InlineData("task", "/console/task.html?task=" + ConsoleFixture.TaskId, 2200)]
    [InlineData("dashboard", "/dashboard", 1100)]
    public async Task A_screenshot_of_the_page_is_written_and_shows_content(string name, string path, int height)
    {
        var file = Screenshots.PathOf(name);

        await Chromium.ScreenshotAsync(fixture.Url(path), file, Width, height, Ct);

        Screenshots.AssertPng(file, Width, minBytes: 15_000);
    }
}
