namespace SelfDissonance.Learning.Ml;

/// <summary>One weighted row: features in task order, label as a 0-based class index.</summary>
public readonly record struct TrainingRow(float[] Features, int Label, float Weight);
