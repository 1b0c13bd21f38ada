namespace SelfDissonance.Security;

/// <summary>A silo's cache of validated keys, told when a key changes so a revocation takes effect at once.</summary>
[Alias("sd.IApiKeyObserver")]
public interface IApiKeyObserver : IGrainObserver
{
    [Alias("KeyChanged")]
    Task KeyChangedAsync(string id);
}
