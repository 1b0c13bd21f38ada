using SelfDissonance.Cli.Tests;

[assembly: AssemblyFixture(typeof(CliFixture))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]
