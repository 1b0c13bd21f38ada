using SelfDissonance.EventHubs.Tests;

// One Azurite (Table service) for the whole assembly; each test uses its own service id, so its own checkpoint rows.
// Tests run one at a time: each starts Orleans silos on a 2-core machine.
[assembly: AssemblyFixture(typeof(TableStorage))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]
