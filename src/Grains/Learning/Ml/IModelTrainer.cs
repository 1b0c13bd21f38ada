namespace SelfDissonance.Learning.Ml;

/// <summary>Fits one model family. Implementations are stateless and safe to call from several threads.</summary>
public interface IModelTrainer
{
    /// <summary>Recorded in lineage, e.g. "lightgbm-multiclass".</summary>
    string Name { get; }

    TrainedModel Fit(ModelShape shape, IReadOnlyList<TrainingRow> rows);
}
