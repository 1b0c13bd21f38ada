using SelfDissonance.Testing;

// One two-silo cluster for the whole assembly; each test uses its own task ids. Learning tests are CPU-bound on a
// 2-core machine, so tests run one at a time.
[assembly: AssemblyFixture(typeof(ClusterFixture))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]
