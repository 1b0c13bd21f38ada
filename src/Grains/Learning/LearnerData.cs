using System.IO.Hashing;
using System.Runtime.InteropServices;
using SelfDissonance.Learning.Ml;
using SelfDissonance.Tasks;

namespace SelfDissonance.Learning;

/// <summary>
/// The learner's in-memory dataset, rebuilt on activation by replaying the stored segments. Ingestion is idempotent by
/// episode id: a re-delivered episode or feedback is counted as a duplicate and changes nothing.
/// The label-noise guard (<paramref name="labelGuardConfidence"/> above 0) holds a label that contradicts both the
/// proposer and the critic, each at least that confident, in quarantine: counted, not trained on, until a second
/// episode with the same features gives the same label or an admin releases it (<paramref name="released"/>).
/// Erased episode ids (<paramref name="erased"/>) are never taken again.
/// Drift: the proposer's error on labeled episodes feeds <paramref name="drift"/>; at each alarm the rows taken before it
/// weigh <paramref name="preDriftWeight"/> times less in training, so the new concept wins once enough of it arrives.
/// Replaying the log replays the alarms at the same rows.
/// </summary>
public sealed class LearnerData(
    int recentCapacity,
    int maxPseudoCandidates,
    double labelGuardConfidence = 0,
    IReadOnlySet<string>? released = null,
    IReadOnlySet<string>? erased = null,
    PageHinkley? drift = null,
    double preDriftWeight = 1)
{
    /// <summary>Labeled rows the out-of-distribution statistics follow, besides the recent inputs.</summary>
    private const int StatisticsRows = 1000;

    private readonly List<int> _driftPoints = [];
    private readonly List<LabeledRecord> _labeled = [];
    private readonly Dictionary<string, LabeledRecord> _quarantine = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _quarantineByInput = new(StringComparer.Ordinal);
    private readonly HashSet<string> _erased = erased is null ? new(StringComparer.Ordinal) : new(erased, StringComparer.Ordinal);
    private readonly HashSet<string> _labeledIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PseudoRecord> _pseudo = new(StringComparer.Ordinal);
    private readonly Queue<string> _pseudoOrder = new();
    // Every episode id ever ingested, for exactly-once: a task keeps this for its whole life (a million episodes is a
    // million entries), so it holds a 128-bit hash of each id (about 50 bytes with the set's slack, measured at a
    // million) instead of the id string, its set entry and a per-id counter (about 150 bytes). Two ids share a hash with probability about n²/2¹²⁹: 10⁻²⁷ at a million.
    private readonly HashSet<UInt128> _episodes = [];
    private readonly Queue<(string? Id, float[] Features)> _recent = new();
    private long _cycleMark;

    /// <summary>Events ingested so far (duplicates excluded); the position of the learning log.</summary>
    public long Sequence { get; private set; }

    public long Duplicates { get; private set; }

    public int LabeledCount => _labeled.Count;

    public int PseudoCount => _pseudo.Count;

    public IReadOnlyList<LabeledRecord> Labeled => _labeled;

    public IEnumerable<PseudoRecord> Pseudo => _pseudo.Values;

    public IEnumerable<float[]> Recent => _recent.Select(r => r.Features);

    /// <summary>Labeled rows the guard holds (not trained on).</summary>
    public int QuarantinedCount => _quarantine.Count;

    /// <summary>Quarantined rows released so far: confirmed by a second identical label or by an admin.</summary>
    public int ReleasedCount { get; private set; }

    public IReadOnlyCollection<string> QuarantinedIds => _quarantine.Keys;

    public int ErasedCount => _erased.Count;

    /// <summary>Drift alarms so far, each at the labeled-row count where it rang.</summary>
    public IReadOnlyList<int> DriftPoints => _driftPoints;

    /// <summary>Episodes ingested since the last cycle and their summed dissonance: the λ controller's input.</summary>
    public int EpisodesSinceCycle { get; private set; }

    public double DissonanceSumSinceCycle { get; private set; }

    public void AddBootstrap(IEnumerable<LabeledExample> rows)
    {
        foreach (var row in rows)
        {
            _labeled.Add(new LabeledRecord(null, ToArray(row.Features), row.Label));
        }
    }

    /// <summary>Sets the sequence from which the since-cycle statistics count (used when replaying).</summary>
    public void SetCycleMark(long sequence) => _cycleMark = sequence;

    public void MarkCycle()
    {
        _cycleMark = Sequence;
        EpisodesSinceCycle = 0;
        DissonanceSumSinceCycle = 0;
    }

    /// <summary>How many times an episode event with this id was ingested (0 or 1: duplicates are refused).</summary>
    public int ConsumedCount(string episodeId) => _episodes.Contains(IdKey(episodeId)) ? 1 : 0;

    /// <summary>Ground-truth rows carrying this episode id (0 or 1).</summary>
    public int LabeledCountFor(string episodeId) => _labeledIds.Contains(episodeId) ? 1 : 0;

    /// <summary>Adds an event; false when it is a duplicate of one already ingested.</summary>
    public bool Ingest(LearningEvent e)
    {
        if (_erased.Contains(e.EpisodeId))
        {
            Duplicates++;
            return false;
        }

        switch (e.Kind)
        {
            case LearningEventKind.Episode:
                if (!_episodes.Add(IdKey(e.EpisodeId)))
                {
                    Duplicates++;
                    return false;
                }

                Sequence++;
                var features = ToArray(e.Features);
                Remember(e.EpisodeId, features);
                if (Sequence > _cycleMark)
                {
                    EpisodesSinceCycle++;
                    DissonanceSumSinceCycle += e.Dissonance;
                }

                if (e.Label is { } label && !_labeledIds.Contains(e.EpisodeId))
                {
                    ObserveError(e, label);
                    AddLabeled(e, features, label);
                }
                else if (!_labeledIds.Contains(e.EpisodeId))
                {
                    // Every unlabeled episode is kept; whether it is above D_target is decided at training time with the
                    // policy of that moment, so replaying the log never depends on the policy at ingestion.
                    _pseudo[e.EpisodeId] = new PseudoRecord(e.EpisodeId, features, e.CriticTopClass, e.Dissonance, Sequence);
                    _pseudoOrder.Enqueue(e.EpisodeId);
                    while (_pseudo.Count > maxPseudoCandidates && _pseudoOrder.TryDequeue(out var oldest))
                    {
                        _pseudo.Remove(oldest);
                    }
                }

                return true;

            case LearningEventKind.Feedback:
                if (e.Label is not { } feedbackLabel || _labeledIds.Contains(e.EpisodeId))
                {
                    Duplicates++;
                    return false;
                }

                Sequence++;
                // A true label supersedes the critic's pseudo-label for the same episode.
                _pseudo.Remove(e.EpisodeId);
                ObserveError(e, feedbackLabel);
                AddLabeled(e, ToArray(e.Features), feedbackLabel);
                return true;

            default:
                throw new ArgumentOutOfRangeException(nameof(e), e.Kind, "Unknown learning event kind.");
        }
    }

    /// <summary>Unlabeled episodes above D_target ingested since the last cycle: new pseudo-label candidates.</summary>
    public int PseudoSinceCycle(double dTarget) => _pseudo.Values.Count(p => p.Sequence > _cycleMark && p.Dissonance > dTarget);

    /// <summary>Ground-truth rows with weight 1 and pseudo-labels with weight λ·(d − D_target)² (BRIEF §4); zero weights are left out.</summary>
    public List<TrainingRow> ProposerRows(double lambda, double dTarget, out int pseudoRows)
    {
        var rows = new List<TrainingRow>(_labeled.Count + _pseudo.Count);
        rows.AddRange(LabeledRows());

        pseudoRows = 0;
        foreach (var p in _pseudo.Values)
        {
            var w = RowWeights.PseudoLabel(lambda, p.Dissonance, dTarget);
            if (w > 0)
            {
                rows.Add(new TrainingRow(p.Features, p.CriticTopClass, (float)w));
                pseudoRows++;
            }
        }

        return rows;
    }

    /// <summary>The critic learns from ground truth only, so it stays an independent check.</summary>
    public List<TrainingRow> CriticRows() => LabeledRows();

    /// <summary>Over the recent inputs and the latest labeled rows: the out-of-distribution check follows the traffic, not the bootstrap.</summary>
    public FeatureStatistics Statistics() =>
        FeatureStatisticsCalculator.Compute(_labeled.Skip(Math.Max(0, _labeled.Count - StatisticsRows)).Select(l => l.Features).Concat(Recent));

    /// <summary>Ground truth with weight 1, times <c>preDriftWeight</c> for each drift alarm after the row was taken.</summary>
    private List<TrainingRow> LabeledRows()
    {
        var rows = new List<TrainingRow>(_labeled.Count);
        var next = 0;
        var weight = Math.Pow(preDriftWeight, _driftPoints.Count);
        for (var i = 0; i < _labeled.Count; i++)
        {
            while (next < _driftPoints.Count && _driftPoints[next] <= i)
            {
                next++;
                weight = Math.Pow(preDriftWeight, _driftPoints.Count - next);
            }

            rows.Add(new TrainingRow(_labeled[i].Features, _labeled[i].Label, (float)(RowWeights.Labeled * weight)));
        }

        return rows;
    }

    /// <summary>The proposer's error on a label (when the event recorded what the proposer said) feeds the drift test.</summary>
    private void ObserveError(LearningEvent e, int label)
    {
        if (drift is not null && e.ProposerTopClass >= 0 && drift.Add(label == e.ProposerTopClass ? 0 : 1))
        {
            _driftPoints.Add(_labeled.Count);
        }
    }

    /// <summary>Moves every quarantined row into training (an admin's confirmation); returns how many.</summary>
    public IReadOnlyList<string> ReleaseAll()
    {
        var ids = _quarantine.Keys.ToList();
        foreach (var id in ids)
        {
            Release(id);
        }

        return ids;
    }

    /// <summary>Removes every trace of an episode (row, quarantine, pseudo-label, recent input); false when it held none.</summary>
    public bool Erase(string episodeId)
    {
        var found = _episodes.Contains(IdKey(episodeId)) || _labeledIds.Contains(episodeId);
        _erased.Add(episodeId);
        _labeled.RemoveAll(l => l.EpisodeId == episodeId);
        _labeledIds.Remove(episodeId);
        if (_quarantine.Remove(episodeId, out var held))
        {
            _quarantineByInput.Remove(InputKey(held.Features, held.Label));
        }

        _pseudo.Remove(episodeId);
        if (_recent.Any(r => r.Id == episodeId))
        {
            var kept = _recent.Where(r => r.Id != episodeId).ToList();
            _recent.Clear();
            kept.ForEach(_recent.Enqueue);
        }

        return found;
    }

    private void AddLabeled(LearningEvent e, float[] features, int label)
    {
        _labeledIds.Add(e.EpisodeId);
        var record = new LabeledRecord(e.EpisodeId, features, label);
        if (released?.Contains(e.EpisodeId) == true || !Contradicts(e, label))
        {
            _labeled.Add(record);
            return;
        }

        // A second episode with the same input and the same label confirms the first: both train.
        var key = InputKey(features, label);
        if (_quarantineByInput.TryGetValue(key, out var first))
        {
            Release(first);
            _labeled.Add(record);
            return;
        }

        _quarantine[e.EpisodeId] = record;
        _quarantineByInput[key] = e.EpisodeId;
    }

    private bool Contradicts(LearningEvent e, int label) =>
        labelGuardConfidence > 0
        && e.ProposerTopClass >= 0
        && label != e.ProposerTopClass
        && label != e.CriticTopClass
        && e.ProposerConfidence >= labelGuardConfidence
        && e.CriticConfidence >= labelGuardConfidence;

    private void Release(string id)
    {
        if (_quarantine.Remove(id, out var record))
        {
            _quarantineByInput.Remove(InputKey(record.Features, record.Label));
            _labeled.Add(record);
            ReleasedCount++;
        }
    }

    private static string InputKey(float[] features, int label) =>
        $"{label}:{Convert.ToBase64String(MemoryMarshal.AsBytes(features.AsSpan()))}";

    private static UInt128 IdKey(string id) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(id.AsSpan()));

    private void Remember(string id, float[] features)
    {
        _recent.Enqueue((id, features));
        while (_recent.Count > recentCapacity)
        {
            _recent.Dequeue();
        }
    }

    private static float[] ToArray(System.Collections.Immutable.ImmutableArray<float> features) =>
        ImmutableCollectionsMarshal.AsArray(features) ?? [];
}
