using SelfDissonance.Silo.Tests;

[assembly: AssemblyFixture(typeof(GatewayFixture))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]
