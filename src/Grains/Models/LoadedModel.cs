using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Models;

/// <summary>A verified, deserialized model version ready to predict.</summary>
public sealed class LoadedModel(ModelVersionInfo info, TrainedModel model)
{
    public ModelVersionInfo Info { get; } = info;

    public int Version => Info.Version;

    public TrainedModel Model => model;

    public ModelPredictor Predictor => model.Predictor;
}
