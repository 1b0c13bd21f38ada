using SelfDissonance.Learning.Fits;
using SelfDissonance.Silo.Hosting;

// The same program is the silo's learning worker: the silo starts it with this argument and fits models in it.
if (args is [LearningWorker.Argument])
{
    return LearningWorker.Run(Console.OpenStandardInput(), Console.OpenStandardOutput());
}

var app = SiloApp.Build(args, builder => builder.Services.AddSingleton(LearningWorkerCommand.ForThisProgram(LearningWorker.Argument)));
StopWatchdog.Arm(app);
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to tests that host the silo in-process.</summary>
public partial class Program;
