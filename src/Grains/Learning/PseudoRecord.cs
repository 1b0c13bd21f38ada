namespace SelfDissonance.Learning;

/// <summary>An unlabeled episode; when its d is above D_target the critic's top class is its pseudo-label.</summary>
public sealed record PseudoRecord(string EpisodeId, float[] Features, int CriticTopClass, double Dissonance, long Sequence);
