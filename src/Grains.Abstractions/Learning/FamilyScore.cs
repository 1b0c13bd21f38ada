namespace SelfDissonance.Learning;

/// <summary>One model setting's cross-validated accuracy on the learner's labeled rows.</summary>
[GenerateSerializer, Immutable]
public sealed record FamilyScore(
    [property: Id(0)] string Name,
    [property: Id(1)] string Family,
    [property: Id(2)] double Accuracy);
