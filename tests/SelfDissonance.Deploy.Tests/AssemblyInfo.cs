using SelfDissonance.Deploy.Tests;

// Each overlay is rendered once for every test.
[assembly: AssemblyFixture(typeof(RenderedOverlays))]
