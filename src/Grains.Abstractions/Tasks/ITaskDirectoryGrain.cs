using System.Collections.Immutable;

namespace SelfDissonance.Tasks;

/// <summary>The list of task ids, so tasks can be enumerated. One instance, key <see cref="Key"/>.</summary>
[Alias("sd.ITaskDirectoryGrain")]
public interface ITaskDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("Add")]
    Task AddAsync(string taskId);

    [Alias("List")]
    Task<ImmutableArray<string>> ListAsync();
}
