using SelfDissonance.Learning;

namespace SelfDissonance.Grains.Tests.Learning;

/// <summary>Drift on the live labeled stream: the Page-Hinkley test on the proposer's error, and what the learner does with an alarm.</summary>
public sealed class DriftTests
{
    [Fact]
    public void A_steady_error_rate_rings_no_alarm_and_a_rise_rings_one_soon()
    {
        var test = new PageHinkley(delta: 0.005, threshold: 20, minSamples: 30);

        // 10 % errors, evenly spread, for 2,000 labels.
        for (var i = 0; i < 2000; i++)
        {
            Assert.False(test.Add(i % 10 == 0 ? 1 : 0), $"false alarm at label {i}");
        }

        // Then 50 %: the alarm must come within 100 labels.
        var ringAt = -1;
        for (var i = 0; i < 200 && ringAt < 0; i++)
        {
            if (test.Add(i % 2))
            {
                ringAt = i;
            }
        }

        Assert.InRange(ringAt, 1, 100);
    }

    [Fact]
    public void After_an_alarm_the_rows_before_it_weigh_less_and_a_replay_rings_at_the_same_row()
    {
        LearnerData NewData() => new(recentCapacity: 16, maxPseudoCandidates: 100, drift: new PageHinkley(0.005, 20, 30), preDriftWeight: 0.25);
        var events = new List<LearningEvent>();
        for (var i = 0; i < 600; i++)
        {
            // The proposer answered class 0; the label agrees 90 % of the time for 400 labels, then 40 %.
            var wrong = i < 400 ? i % 10 == 0 : i % 10 < 6;
            events.Add(new LearningEvent(LearningEventKind.Episode, $"e{i}", [i, 0f], wrong ? 1 : 0, 0, 0.1, 1, DateTimeOffset.UnixEpoch, ProposerTopClass: 0, ProposerConfidence: 0.6, CriticConfidence: 0.6));
        }

        var data = NewData();
        events.ForEach(e => data.Ingest(e));
        var point = Assert.Single(data.DriftPoints);
        Assert.InRange(point, 401, 500);

        var rows = data.CriticRows();
        Assert.All(rows.Take(point), r => Assert.Equal(0.25f, r.Weight));
        Assert.All(rows.Skip(point), r => Assert.Equal(1f, r.Weight));
        Assert.Equal(rows, data.ProposerRows(lambda: 0, dTarget: 0.12, out _));

        var replayed = NewData();
        events.ForEach(e => replayed.Ingest(e));
        Assert.Equal(data.DriftPoints, replayed.DriftPoints);
    }

    [Fact]
    public void The_out_of_distribution_statistics_follow_the_recent_rows()
    {
        var data = new LearnerData(recentCapacity: 50, maxPseudoCandidates: 100);
        for (var i = 0; i < 3000; i++)
        {
            // The feature moves from around 0 to around 100 half-way.
            data.Ingest(new LearningEvent(LearningEventKind.Episode, $"e{i}", [i < 1500 ? i % 3 : 100 + (i % 3), 0f], i % 2, 0, 0.1, 1, DateTimeOffset.UnixEpoch));
        }

        var statistics = data.Statistics();
        Assert.InRange(statistics.Mean[0], 99, 102);
    }
}
