using SelfDissonance.Client.Tests;

[assembly: AssemblyFixture(typeof(SdkFixture))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]
