using System.Collections.Immutable;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Episodes;
using SelfDissonance.Learning;
using SelfDissonance.Models;
using SelfDissonance.Policy;
using SelfDissonance.Safety;
using SelfDissonance.Tasks;

namespace SelfDissonance.Client.Cluster;

/// <summary>Maps domain records to the API v1 wire contracts.</summary>
internal static class Responses
{
    public static TaskResponse Task(TaskSnapshot task, PolicySnapshot policy, ServingState? proposer, ServingState? critic) => new(
        task.Definition.Id,
        task.Definition.Features,
        task.Definition.Classes,
        task.Bootstrapped,
        task.Definition.CreatedAt,
        task.BootstrappedAt,
        task.GoldenRows,
        Policy(policy),
        new ProductionVersions(proposer?.Production?.Version, critic?.Production?.Version, proposer?.Canary?.Version),
        task.Statistics is { } s
            ? [.. task.Definition.Features.Select((name, i) => new FeatureStatisticsResponse(name, s.Mean[i], s.StdDev[i], s.Min[i], s.Max[i]))]
            : []);

    public static PolicyResponse Policy(PolicySnapshot snapshot)
    {
        var p = snapshot.Policy;
        return new PolicyResponse(p.DTarget, p.MaxDissonance, p.Lambda, p.LambdaMax, p.KlEps, p.DBudgetPerHour, p.MinBatch, p.GoldenTolerance,
            p.CanaryFraction, p.RollbackDrop, p.OodZMax, p.Eta, snapshot.Revision, snapshot.UpdatedAt, snapshot.BudgetUsed, snapshot.BudgetLeft, p.DBudgetShare);
    }

    public static PolicyUpdate PolicyFields(TaskPolicy p) => new()
    {
        DTarget = p.DTarget,
        MaxDissonance = p.MaxDissonance,
        Lambda = p.Lambda,
        LambdaMax = p.LambdaMax,
        KlEps = p.KlEps,
        DBudgetPerHour = p.DBudgetPerHour,
        MinBatch = p.MinBatch,
        GoldenTolerance = p.GoldenTolerance,
        CanaryFraction = p.CanaryFraction,
        RollbackDrop = p.RollbackDrop,
        OodZMax = p.OodZMax,
        Eta = p.Eta,
        DBudgetShare = p.DBudgetShare,
    };

    public static PolicyPatch Patch(PolicyUpdate u) => new()
    {
        DTarget = u.DTarget,
        MaxDissonance = u.MaxDissonance,
        Lambda = u.Lambda,
        LambdaMax = u.LambdaMax,
        KlEps = u.KlEps,
        DBudgetPerHour = u.DBudgetPerHour,
        MinBatch = u.MinBatch,
        GoldenTolerance = u.GoldenTolerance,
        CanaryFraction = u.CanaryFraction,
        RollbackDrop = u.RollbackDrop,
        OodZMax = u.OodZMax,
        Eta = u.Eta,
        DBudgetShare = u.DBudgetShare,
    };

    public static PredictionResponse Prediction(Prediction p, TaskDefinition task) => new(p.Label, Probabilities(p.Probabilities, task));

    public static CriticResponse Critic(Critique c, TaskDefinition task) =>
        new(c.Prediction.Label, Probabilities(c.Prediction.Probabilities, task), c.JsDivergence, c.Top1Disagreement);

    public static GateResponse Gate(GateVerdict g) => new(g.Allowed, g.Reasons, g.MaxZScore);

    public static EpisodeResponse Episode(EpisodeResult result, TaskDefinition task)
    {
        var r = result.Record;
        return new EpisodeResponse(
            r.Id,
            Prediction(r.Proposal!.Prediction, task),
            Critic(r.Critique!, task),
            r.Critique!.Dissonance,
            Gate(r.Gate!),
            r.Proposal.Version,
            r.Critique.Version,
            r.Proposal.Canary,
            result.Replayed);
    }

    public static EpisodeRecordResponse EpisodeRecord(EpisodeRecord r, TaskDefinition? task, ModelVersionInfo? proposer, ModelVersionInfo? critic) => new(
        r.Id,
        r.TaskId,
        Snake(r.Status.ToString()),
        Snake(r.Source.ToString()),
        task is null
            ? new Dictionary<string, double>()
            : task.Features.Select((name, i) => (name, i)).Where(x => x.i < r.Features.Length).ToDictionary(x => x.name, x => AsDouble(r.Features[x.i]), StringComparer.Ordinal),
        r.Label,
        r.FeedbackLabel,
        r.Proposal is { } p && task is not null ? Prediction(p.Prediction, task) : null,
        r.Critique is { } c && task is not null ? Critic(c, task) : null,
        r.Critique?.Dissonance,
        r.Gate is { } g ? Gate(g) : null,
        r.Proposal?.Version,
        r.Critique?.Version,
        r.Proposal?.Canary ?? false,
        r.SubmittedAt,
        r.CompletedAt,
        r.FeedbackAt,
        r.Error,
        new EpisodeLineage(proposer is null ? null : ModelVersion(proposer), critic is null ? null : ModelVersion(critic)));

    public static ModelVersionResponse ModelVersion(ModelVersionInfo v) => new(
        v.Role.ToWire(),
        v.Version,
        Snake(v.Stage.ToString()),
        v.Lineage.GoldenAccuracy,
        v.Live.Accuracy,
        v.Live.Total,
        v.Lineage.KlFromParent,
        v.Lineage.LabeledRows,
        v.Lineage.PseudoRows,
        v.Lineage.Lambda,
        v.Lineage.Trainer,
        v.Artifact.Sha256,
        v.Artifact.Bytes,
        v.Lineage.ParentVersion,
        v.Lineage.LearningCycle,
        v.CreatedAt,
        v.Lineage.Step,
        v.Lineage.Members,
        v.Lineage.CvAccuracy);

    public static RoleModelsResponse RoleModels(ServingState serving, ImmutableArray<ModelVersionInfo> versions, ImmutableArray<ProductionChange> history) => new(
        serving.Production?.Version,
        serving.Canary?.Version,
        [.. versions.Select(ModelVersion)],
        [.. history.Select(h => new ProductionChangeResponse(h.Revision, h.At, h.Action, h.From, h.To, h.By, h.Reason))],
        serving.ErasedSinceProduction);

    public static LearnResponse Learn(LearningCycleResult r) => new(
        r.Cycle,
        r.Outcome,
        r.Reasons,
        r.Proposer is { } p ? Candidate(p) : null,
        r.Critic is { } c ? Candidate(c) : null,
        r.Lambda is { } l ? new LambdaResponse(l.Before, l.After, l.MeanDissonance, l.Episodes) : null,
        r.Trigger,
        r.StartedAt,
        r.Duration.TotalMilliseconds,
        r.NewLabeledRows,
        r.NewPseudoCandidates);

    public static CycleRecordResponse CycleRecord(LearningCycleResult r) => new(
        r.Cycle,
        r.Trigger,
        r.StartedAt,
        r.Duration.TotalMilliseconds,
        r.Outcome,
        r.Reasons,
        r.NewLabeledRows,
        r.NewPseudoCandidates,
        r.Lambda is { } l ? new LambdaResponse(l.Before, l.After, l.MeanDissonance, l.Episodes) : null,
        r.Proposer is { } p ? Candidate(p) : null,
        r.Critic is { } c ? Candidate(c) : null);

    public static CandidateResponse Candidate(CandidateReport c) => new(
        c.Role.ToWire(),
        c.Outcome,
        c.Reasons,
        c.Version,
        c.ProductionVersion,
        c.GoldenAccuracy,
        c.ProductionGoldenAccuracy,
        c.KlFromProduction,
        c.LabeledRows,
        c.PseudoRows,
        c.Fits,
        c.Duration.TotalMilliseconds,
        [.. c.Steps.Select(s => new TrustRegionStepResponse(s.Weight, s.Kl, s.WithinBound))],
        c.Step,
        c.PlainKl,
        c.Trainer,
        c.CvAccuracy,
        c.Members,
        c.CvScores.IsDefault ? [] : [.. c.CvScores.Select(s => new CvScoreResponse(s.Name, s.Family, s.Accuracy))])
    {
        CvRows = c.CvRows,
    };

    public static VersionAccuracyResponse Accuracy(ModelVersionInfo v) =>
        new(v.Version, Snake(v.Stage.ToString()), v.Lineage.GoldenAccuracy, v.Live.Accuracy, v.Live.Total);

    /// <summary>In the task's class order (a Dictionary keeps insertion order when nothing is removed).</summary>
    private static Dictionary<string, double> Probabilities(ImmutableArray<double> p, TaskDefinition task)
    {
        var result = new Dictionary<string, double>(Math.Min(p.Length, task.Classes.Length), StringComparer.Ordinal);
        for (var i = 0; i < p.Length && i < task.Classes.Length; i++)
        {
            result[task.Classes[i]] = p[i];
        }

        return result;
    }

    /// <summary>The stored 32-bit value as the double a caller would have written (0.2f → 0.2, not 0.20000000298).</summary>
    private static double AsDouble(float value) => double.Parse(value.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>PascalCase enum names as the API's snake_case words.</summary>
    public static string Snake(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
