namespace SelfDissonance.Learning.Ml;

/// <summary>The rows hold one class only: no classifier can be fitted.</summary>
public sealed class SingleClassException() : InvalidOperationException("Training rows must contain at least two distinct classes.");
