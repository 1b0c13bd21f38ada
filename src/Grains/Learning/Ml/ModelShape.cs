namespace SelfDissonance.Learning.Ml;

/// <summary>The fixed input and output sizes of a task's models.</summary>
public sealed record ModelShape(int Features, int Classes);
