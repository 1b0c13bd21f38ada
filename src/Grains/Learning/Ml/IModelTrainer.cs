namespace SelfDissonance.Learning.Ml;

/// <summary>Fits one model family with fixed hyper-parameters. Implementations are stateless and safe to call from several threads.</summary>
public interface IModelTrainer
{
    /// <summary>The family (<see cref="ModelFamilies"/>): the critic is always of another family than the proposer.</summary>
    string Family { get; }

    /// <summary>Family and hyper-parameters, recorded in lineage, e.g. "lightgbm(leaves=16,iterations=100)".</summary>
    string Name { get; }

    TrainedModel Fit(ModelShape shape, IReadOnlyList<TrainingRow> rows);
}
