using System.Collections.Immutable;
using SelfDissonance.Runtime;

namespace SelfDissonance.Security;

[GenerateSerializer, Immutable]
public sealed record AuditLogState
{
    [Id(0)] public ImmutableList<AuditEntry> Entries { get; init; } = [];
}

public sealed class AuditLogGrain(
    [PersistentState("audit", StorageNames.Control)] IPersistentState<AuditLogState> state) : Grain, IAuditLogGrain
{
    public async Task AppendAsync(AuditEntry entry)
    {
        var entries = state.State.Entries.Add(entry);
        if (entries.Count > IAuditLogGrain.MaxEntries)
        {
            entries = entries.RemoveRange(0, entries.Count - IAuditLogGrain.MaxEntries);
        }

        state.State = state.State with { Entries = entries };
        await state.WriteStateAsync();
    }

    public Task<ImmutableArray<AuditEntry>> ListAsync() => Task.FromResult(state.State.Entries.ToImmutableArray());
}
