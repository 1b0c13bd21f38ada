namespace SelfDissonance.Learning;

/// <summary>
/// The learner's drift test rang: the proposer's error on labeled episodes rose. Rows taken before
/// <see cref="LabeledRows"/> now weigh less in training, and a cycle was started.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DriftNotice(
    [property: Id(0)] int LabeledRows,
    [property: Id(1)] int Alarms,
    [property: Id(2)] double PreDriftWeight);
