using PublicApiGenerator;
using SelfDissonance.Testing;

namespace SelfDissonance.Client.Tests;

/// <summary>
/// The SDK's public surface is a product: any change to it must be deliberate. The approved surface is committed in
/// PublicApi/SelfDissonance.Client.approved.txt; when this fails, the surface now generated is written beside it as
/// .received.txt — review the difference and, if intended, copy it over the approved file.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_public_api_of_the_sdk_matches_the_approved_snapshot()
    {
        var generated = typeof(ISelfDissonanceClient).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }).ReplaceLineEndings("\n");
        var folder = Path.Combine(RepoPaths.Root, "tests", "SelfDissonance.Client.Tests", "PublicApi");
        var approvedPath = Path.Combine(folder, "SelfDissonance.Client.approved.txt");
        var receivedPath = Path.Combine(folder, "SelfDissonance.Client.received.txt");
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : "";
        if (generated == approved)
        {
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(receivedPath, generated);
        Assert.Fail($"The SDK's public API changed. Compare {receivedPath} with {approvedPath}; copy it over the approved file if the change is intended.");
    }
}
