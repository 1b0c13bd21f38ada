using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Cli.Policy;

/// <summary>One policy field: its API name, whether it is an integer, how to set it and how to read it.</summary>
internal sealed record PolicyField(string Name, bool Integer, Func<PolicyUpdate, double, PolicyUpdate> Set, Func<PolicyResponse, double> Get);
