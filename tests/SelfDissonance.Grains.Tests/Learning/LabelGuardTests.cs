using System.Collections.Immutable;
using SelfDissonance.Learning;

namespace SelfDissonance.Grains.Tests.Learning;

/// <summary>The label-noise guard and erasure in the learner's dataset: what is held, what releases it, what erasing leaves.</summary>
public sealed class LabelGuardTests
{
    private readonly LearnerData _data = new(recentCapacity: 100, maxPseudoCandidates: 100, labelGuardConfidence: 0.9);

    [Fact]
    public void A_label_against_a_confident_proposer_and_critic_is_held_and_not_trained_on()
    {
        Assert.True(_data.Ingest(Labeled("e1", label: 1, proposer: 0, pConf: 0.95, critic: 0, cConf: 0.92)));

        Assert.Equal(0, _data.LabeledCount);
        Assert.Equal(1, _data.QuarantinedCount);
        Assert.Equal(["e1"], _data.QuarantinedIds);
        Assert.Empty(_data.CriticRows());
        Assert.Empty(_data.ProposerRows(0, 0.12, out _));
    }

    [Theory]
    [InlineData(1, 0, 0.95, 0, 0.95)] // held by a guard that is on; with the guard off (0) it trains
    [InlineData(0, 0, 0.95, 1, 0.95)] // agrees with the proposer
    [InlineData(1, 0, 0.95, 1, 0.95)] // agrees with the critic
    [InlineData(1, 0, 0.85, 0, 0.99)] // the proposer is not confident enough
    [InlineData(1, 0, 0.99, 0, 0.89)] // the critic is not confident enough
    public void Otherwise_a_label_trains(int label, int proposer, double pConf, int critic, double cConf)
    {
        var data = label == 1 && proposer == 0 && critic == 0 && pConf >= 0.9 && cConf >= 0.9
            ? new LearnerData(100, 100, labelGuardConfidence: 0)
            : _data;

        data.Ingest(Labeled("e1", label, proposer, pConf, critic, cConf));

        Assert.Equal(1, data.LabeledCount);
        Assert.Equal(0, data.QuarantinedCount);
    }

    [Fact]
    public void A_second_episode_with_the_same_input_and_label_confirms_the_first()
    {
        _data.Ingest(Labeled("e1", 1, 0, 0.95, 0, 0.95, features: [0.5f, 0.25f]));
        _data.Ingest(Labeled("e2", 1, 0, 0.95, 0, 0.95, features: [0.5f, 0.26f]));
        Assert.Equal(2, _data.QuarantinedCount);

        _data.Ingest(Labeled("e3", 1, 0, 0.95, 0, 0.95, features: [0.5f, 0.25f]));

        Assert.Equal(["e2"], _data.QuarantinedIds);
        Assert.Equal(2, _data.LabeledCount);
        Assert.Equal(1, _data.ReleasedCount);
    }

    [Fact]
    public void An_admin_release_trains_every_held_label_and_a_replay_with_the_released_ids_does_too()
    {
        _data.Ingest(Labeled("e1", 1, 0, 0.95, 0, 0.95));
        _data.Ingest(Labeled("e2", 0, 1, 0.95, 1, 0.95, features: [2f, 2f]));

        var released = _data.ReleaseAll();

        Assert.Equal(["e1", "e2"], released.Order(StringComparer.Ordinal));
        Assert.Equal(2, _data.LabeledCount);
        Assert.Equal(0, _data.QuarantinedCount);
        var replay = new LearnerData(100, 100, 0.9, released: ImmutableHashSet.CreateRange(released));
        replay.Ingest(Labeled("e1", 1, 0, 0.95, 0, 0.95));
        Assert.Equal(1, replay.LabeledCount);
    }

    [Fact]
    public void Erasing_removes_the_row_the_pseudo_label_and_the_recent_input_and_refuses_the_id_later()
    {
        _data.Ingest(Labeled("e1", 1, 1, 0.95, 1, 0.95, features: [7f, 7f]));
        _data.Ingest(Labeled("e2", 1, 0, 0.95, 0, 0.95, features: [8f, 8f]));
        _data.Ingest(new LearningEvent(LearningEventKind.Episode, "e3", [9f, 9f], null, 1, 0.4, 1, DateTimeOffset.UtcNow));

        Assert.True(_data.Erase("e1"));
        Assert.True(_data.Erase("e2"));
        Assert.True(_data.Erase("e3"));
        Assert.False(_data.Erase("never"));

        Assert.Equal(0, _data.LabeledCount);
        Assert.Equal(0, _data.QuarantinedCount);
        Assert.Equal(0, _data.PseudoCount);
        Assert.Empty(_data.Recent);
        Assert.False(_data.Ingest(new LearningEvent(LearningEventKind.Feedback, "e3", [9f, 9f], 1, 1, 0.4, 1, DateTimeOffset.UtcNow)));
        Assert.Equal(0, _data.LabeledCount);
    }

    private static LearningEvent Labeled(string id, int label, int proposer, double pConf, int critic, double cConf, float[]? features = null) =>
        new(LearningEventKind.Episode, id, [.. features ?? [1f, 1f]], label, critic, 0.1, 1, DateTimeOffset.UtcNow, proposer, pConf, cConf);
}
