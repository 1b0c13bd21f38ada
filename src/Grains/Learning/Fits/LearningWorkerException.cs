namespace SelfDissonance.Learning.Fits;

/// <summary>The learning worker failed a fit for a reason of its own (it exited, or threw what a fit never throws in process).</summary>
public sealed class LearningWorkerException(string message, Exception? inner = null) : Exception(message, inner);
