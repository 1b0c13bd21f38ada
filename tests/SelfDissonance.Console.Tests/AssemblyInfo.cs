using SelfDissonance.Console.Tests;

[assembly: AssemblyFixture(typeof(ConsoleFixture))]

// One browser at a time: chromium and the silo share two cores with everything else.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
