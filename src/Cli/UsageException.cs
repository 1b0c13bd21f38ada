namespace SelfDissonance.Cli;

/// <summary>Arguments or input files the command cannot use; reported on stderr with exit code 2 before or instead of any request.</summary>
public sealed class UsageException(string message) : Exception(message);
