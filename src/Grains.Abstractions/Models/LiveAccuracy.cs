namespace SelfDissonance.Models;

/// <summary>Labeled episodes a version served and how many it got right.</summary>
[GenerateSerializer, Immutable]
public sealed record LiveAccuracy(
    [property: Id(0)] long Correct,
    [property: Id(1)] long Total)
{
    public static LiveAccuracy None { get; } = new(0, 0);

    public double? Accuracy => Total == 0 ? null : (double)Correct / Total;

    public LiveAccuracy Add(long correct, long total) => new(Correct + correct, Total + total);
}
