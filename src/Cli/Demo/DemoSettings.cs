namespace SelfDissonance.Cli.Demo;

/// <summary>What a demo run was asked for.</summary>
internal sealed record DemoSettings(string Task, bool TaskGiven, int Episodes, int Rounds, int Concurrency, int TrainingRows, int GoldenRows, int Seed);
