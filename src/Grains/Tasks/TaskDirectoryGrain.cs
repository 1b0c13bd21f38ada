using System.Collections.Immutable;
using SelfDissonance.Runtime;

namespace SelfDissonance.Tasks;

[GenerateSerializer, Immutable]
public sealed record TaskDirectoryState
{
    [Id(0)] public ImmutableSortedSet<string> Tasks { get; init; } = ImmutableSortedSet<string>.Empty.WithComparer(StringComparer.Ordinal);
}

public sealed class TaskDirectoryGrain(
    [PersistentState("taskDirectory", StorageNames.Control)] IPersistentState<TaskDirectoryState> state) : Grain, ITaskDirectoryGrain
{
    public async Task AddAsync(string taskId)
    {
        if (state.State.Tasks.Contains(taskId))
        {
            return;
        }

        state.State = state.State with { Tasks = state.State.Tasks.Add(taskId) };
        await state.WriteStateAsync();
    }

    public Task<ImmutableArray<string>> ListAsync() => Task.FromResult(state.State.Tasks.ToImmutableArray());
}
