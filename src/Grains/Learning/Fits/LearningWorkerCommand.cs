using System.Collections.Immutable;
using System.Reflection;

namespace SelfDissonance.Learning.Fits;

/// <summary>How to start a learning worker process (<see cref="LearningWorker"/>): an executable and its arguments.</summary>
public sealed record LearningWorkerCommand(string FileName, ImmutableArray<string> Arguments)
{
    /// <summary>
    /// This process's own program with <paramref name="argument"/>: <c>dotnet SelfDissonance.Silo.dll learning-worker</c>
    /// when run through the dotnet host, else the app host itself. Only an entry point that answers that argument with
    /// <see cref="LearningWorker.Run"/> may offer it (the silo's Program does; a test runner must not).
    /// </summary>
    public static LearningWorkerCommand ForThisProgram(string argument)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process's executable is unknown.");
        var entry = Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(entry)
            ? new LearningWorkerCommand(host, [entry, argument])
            : new LearningWorkerCommand(host, [argument]);
    }

    public override string ToString() => string.Join(' ', Arguments.Prepend(FileName));
}
