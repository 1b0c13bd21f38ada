namespace SelfDissonance.Learning;

/// <summary>A ground-truth row; the episode id is null for bootstrap rows.</summary>
public sealed record LabeledRecord(string? EpisodeId, float[] Features, int Label);
