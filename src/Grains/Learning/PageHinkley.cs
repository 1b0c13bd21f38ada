namespace SelfDissonance.Learning;

/// <summary>
/// The Page-Hinkley test for an increase in the mean of a stream (here the proposer's error on labeled episodes, 1 or 0):
/// m_T = Σ (x_t − x̄_t − δ), alarm when m_T − min m_t exceeds λ. δ tolerates small fluctuations; λ trades detection delay
/// for false alarms (with errors in {0, 1}, a rise from 10 % to 40 % error trips λ = 20 after about 70 labels). The
/// test restarts after an alarm. Hand-written: no package in the source implements it.
/// </summary>
public sealed class PageHinkley(double delta, double threshold, int minSamples)
{
    private long _count;
    private double _mean;
    private double _cumulative;
    private double _minimum;

    public bool Add(double x)
    {
        _count++;
        _mean += (x - _mean) / _count;
        _cumulative += x - _mean - delta;
        _minimum = Math.Min(_minimum, _cumulative);
        if (_count < minSamples || _cumulative - _minimum <= threshold)
        {
            return false;
        }

        Reset();
        return true;
    }

    public void Reset()
    {
        _count = 0;
        _mean = 0;
        _cumulative = 0;
        _minimum = 0;
    }
}
