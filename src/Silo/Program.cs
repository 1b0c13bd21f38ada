using SelfDissonance.Silo.Hosting;

var app = SiloApp.Build(args);
StopWatchdog.Arm(app);
await app.RunAsync();

/// <summary>The entry point, visible to tests that host the silo in-process.</summary>
public partial class Program;
