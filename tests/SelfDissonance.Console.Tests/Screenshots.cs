using SelfDissonance.Testing;

namespace SelfDissonance.Console.Tests;

/// <summary>Where the browser tests leave their screenshots: artifacts/screenshots/ at the repository root (CI keeps it).</summary>
public static class Screenshots
{
    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "artifacts", "screenshots");

    public static string PathOf(string name) => Path.Combine(Folder, name + ".png");

    /// <summary>A PNG of the expected width that is not a blank page: blank ones compress to a few hundred bytes.</summary>
    public static void AssertPng(string path, int width, int minBytes)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length >= minBytes, $"{path} is {bytes.Length} bytes; a page with content takes at least {minBytes}");
        Assert.Equal<byte>([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], bytes[..8]);
        var ihdrWidth = (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19];
        Assert.Equal(width, ihdrWidth);
    }
}
