using System.Collections.Immutable;
using SelfDissonance.Models;
using SelfDissonance.Policy;

namespace SelfDissonance.Runtime;

public sealed record TaskCounterSnapshot(string TaskId, TrafficDelta? Traffic, ImmutableDictionary<ModelRole, ImmutableArray<LiveOutcome>> Live);
