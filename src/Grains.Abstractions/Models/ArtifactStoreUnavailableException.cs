namespace SelfDissonance.Models;

/// <summary>
/// The artifact store could not be reached after its retries. An <see cref="IOException"/> so the callers that already
/// treat a failing disk as "try again later" (learning cycles, segment flushes, the serving cache) do the same for blobs.
/// </summary>
public sealed class ArtifactStoreUnavailableException(string message, Exception? inner = null) : IOException(message, inner);
