using SelfDissonance.Testing;

// One Redis and one Azurite for the whole assembly; each test runs its own silo processes under its own cluster id.
// Silo processes are CPU-heavy on a 2-core machine, so tests run one at a time.
[assembly: AssemblyFixture(typeof(ClusterServices))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]
