using SelfDissonance.RedisStreams.Tests;

// One redis-server for the whole assembly; each test uses its own key prefix. Tests run one at a time: the silo-death
// test and the timing-sensitive pending checks must not compete for the 2 cores.
[assembly: AssemblyFixture(typeof(RedisFixture))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]
