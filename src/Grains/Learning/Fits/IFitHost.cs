using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Learning.Fits;

/// <summary>
/// Where a learning cycle's model fits run: in the silo's process (<see cref="InProcessFitHost"/>) or in a learning
/// worker process beside it (<see cref="WorkerFitHost"/>). Either gives the same models for the same rows; the calls
/// block, and are made from a learning thread (<see cref="LearningThread"/>).
/// </summary>
public interface IFitHost
{
    /// <summary><paramref name="trainer"/>, with its fits run on this host.</summary>
    IModelTrainer Trainer(IModelTrainer trainer);

    /// <summary>
    /// <see cref="FamilySelection.Select(ModelShape, IReadOnlyList{TrainingRow}, int, CancellationToken)"/> run on this
    /// host. <paramref name="background"/>: no cycle waits for it yet, so it may take longer and only use the CPU nothing
    /// else wants (the learning worker runs it on one thread in the idle scheduling class).
    /// </summary>
    FamilyChoice Select(ModelShape shape, IReadOnlyList<TrainingRow> labeled, int seed, bool background = false, CancellationToken cancellationToken = default);
}
