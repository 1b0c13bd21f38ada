using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Learning.Fits;

/// <summary>Fits in the calling process: the host used by tests that run a silo in their own process, and when configured.</summary>
public sealed class InProcessFitHost : IFitHost
{
    public static InProcessFitHost Instance { get; } = new();

    private InProcessFitHost()
    {
    }

    public IModelTrainer Trainer(IModelTrainer trainer) => trainer;

    public FamilyChoice Select(ModelShape shape, IReadOnlyList<TrainingRow> labeled, int seed, bool background = false, CancellationToken cancellationToken = default) =>
        FamilySelection.Select(shape, labeled, seed, cancellationToken);
}
