namespace SelfDissonance.Learning.Ml;

internal sealed class MlScore
{
    public float[] Score { get; set; } = [];
}
