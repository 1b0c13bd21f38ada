// Each test starts silos in this process: one at a time on two shared cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
