using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Learning;
using SelfDissonance.Learning.Fits;
using SelfDissonance.Learning.Ml;
using SelfDissonance.Tasks;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>
/// Runs alone: the worker fits at the lowest CPU priority, so beside another test's silo it would get almost no CPU and
/// these tests would measure the other test's load.
/// </summary>
[CollectionDefinition(nameof(LearningWorkerCollection), DisableParallelization = true)]
public sealed class LearningWorkerCollection;

/// <summary>
/// Model fits run in a learning worker: the silo's own program started with <c>learning-worker</c>. It gives the models
/// a fit in the silo would give, fails as such a fit would, is replaced when killed (the fit it had still answered), ends
/// with its silo, and a silo whose worker cannot start fits in its own process.
/// </summary>
[Collection(nameof(LearningWorkerCollection))]
public sealed class LearningWorkerTests
{
    private static readonly ModelShape s_shape = new(Features: 4, Classes: 3);

    private static LearningWorkerCommand Command => new("dotnet", [SiloProcess.SiloDll, LearningWorker.Argument]);

    [Fact]
    public void Every_setting_fitted_in_the_worker_equals_its_fit_in_process()
    {
        using var fits = new WorkerFitHost(Command, NullLogger<WorkerFitHost>.Instance);
        var rows = Rows(600, seed: 1);
        var probes = Rows(300, seed: 2).Select(r => r.Features).ToList();
        foreach (var setting in ModelFamilies.Candidates(s_shape))
        {
            var inWorker = fits.Trainer(setting).Fit(s_shape, rows);

            Assert.Equal(setting.Name, inWorker.Trainer);
            AssertSamePredictions(setting.Fit(s_shape, rows), inWorker, probes);
        }

        Assert.NotNull(fits.WorkerPid);
        Assert.NotEqual(Environment.ProcessId, fits.WorkerPid);
        Assert.Contains(LearningWorker.Argument, CommandLine(fits.WorkerPid.Value));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_selection_in_the_worker_chooses_and_scores_as_in_process(bool background)
    {
        using var fits = new WorkerFitHost(Command, NullLogger<WorkerFitHost>.Instance);
        var rows = Rows(500, seed: 3);

        var inWorker = fits.Select(s_shape, rows, seed: 7, background, TestContext.Current.CancellationToken);
        var inProcess = FamilySelection.Select(s_shape, rows, seed: 7, TestContext.Current.CancellationToken);

        Assert.Equal(inProcess.Proposer.Name, inWorker.Proposer.Name);
        Assert.Equal(inProcess.Critic.Name, inWorker.Critic.Name);
        Assert.Equal(inProcess.Scores, inWorker.Scores);
        Assert.Equal(ModelFamilies.Candidates(s_shape).Count, inWorker.Scores.Length);
        Assert.Equal(inProcess.Folds, inWorker.Folds);
        Assert.Equal(inProcess.Rows, inWorker.Rows);
    }

    [Fact]
    public async Task A_background_selection_runs_in_the_idle_scheduling_class_and_a_cycle_fit_does_not()
    {
        using var fits = new WorkerFitHost(Command, NullLogger<WorkerFitHost>.Instance);
        var rows = Rows(3000, seed: 6);
        _ = fits.Trainer(new MaxEntTrainer(l2: 1f)).Fit(s_shape, Rows(60, seed: 7));
        var worker = fits.WorkerPid!.Value;

        var seen = new HashSet<int>();
        var selection = Task.Run(() => fits.Select(s_shape, rows, seed: 7, background: true), TestContext.Current.CancellationToken);
        while (!selection.IsCompleted)
        {
            seen.UnionWith(SchedulingPolicies(worker));
            await Task.Delay(2, TestContext.Current.CancellationToken);
        }

        await selection;
        Assert.Contains(IdleClass, seen);

        seen.Clear();
        var fit = Task.Run(() => fits.Trainer(ModelFamilies.Candidates(s_shape).Last()).Fit(s_shape, rows), TestContext.Current.CancellationToken);
        while (!fit.IsCompleted)
        {
            seen.UnionWith(SchedulingPolicies(worker));
            await Task.Delay(2, TestContext.Current.CancellationToken);
        }

        await fit;
        Assert.DoesNotContain(IdleClass, seen);
    }

    [Fact]
    public void A_fit_the_worker_cannot_make_fails_as_it_would_in_process()
    {
        using var fits = new WorkerFitHost(Command, NullLogger<WorkerFitHost>.Instance);
        var maxEnt = fits.Trainer(new MaxEntTrainer(l2: 1f));
        var oneClass = Rows(60, seed: 4).Where(r => r.Label == 0).ToList();
        var wrongWidth = new List<TrainingRow>(Rows(60, seed: 5)) { new([1f, 2f], 1, 1f) };

        Assert.Throws<SingleClassException>(() => maxEnt.Fit(s_shape, oneClass));
        var inProcess = Assert.Throws<ArgumentException>(() => new MaxEntTrainer(l2: 1f).Fit(s_shape, wrongWidth));
        Assert.Equal(inProcess.Message, Assert.Throws<ArgumentException>(() => maxEnt.Fit(s_shape, wrongWidth)).Message);

        // The worker is still there for the next fit.
        Assert.Equal(s_shape.Classes, maxEnt.Fit(s_shape, Rows(60, seed: 6)).Shape.Classes);
    }

    [Fact]
    public async Task A_worker_killed_during_a_fit_is_replaced_and_the_fit_still_answered()
    {
        using var fits = new WorkerFitHost(Command, NullLogger<WorkerFitHost>.Instance);
        var forest = fits.Trainer(new RandomForestTrainer());
        forest.Fit(s_shape, Rows(100, seed: 8));
        var first = fits.WorkerPid!.Value;
        var rows = Rows(60_000, seed: 9);

        var fit = Task.Run(() => forest.Fit(s_shape, rows), TestContext.Current.CancellationToken);
        await WaitForCpuAsync(first, TimeSpan.FromMilliseconds(200));
        Assert.False(fit.IsCompleted, "the fit ended before its worker was killed: give it more rows");
        Process.GetProcessById(first).Kill();
        var model = await fit;

        Assert.NotNull(fits.WorkerPid);
        Assert.NotEqual(first, fits.WorkerPid);
        AssertSamePredictions(new RandomForestTrainer().Fit(s_shape, rows), model, Rows(200, seed: 10).Select(r => r.Features).ToList());
    }

    [Fact]
    public async Task A_worker_ends_when_its_silo_closes_its_input_and_when_its_host_stops()
    {
        // The silo's death closes the worker's input as this does.
        var info = new ProcessStartInfo("dotnet", [SiloProcess.SiloDll, LearningWorker.Argument]) { RedirectStandardInput = true, RedirectStandardOutput = true };
        using var orphan = Process.Start(info)!;
        Assert.Equal("selfdissonance-learning-worker/2", new BinaryReader(orphan.StandardOutput.BaseStream).ReadString());
        orphan.StandardInput.Close();
        await orphan.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        Assert.Equal(0, orphan.ExitCode);

        var fits = new WorkerFitHost(Command, NullLogger<WorkerFitHost>.Instance);
        fits.Trainer(new MaxEntTrainer()).Fit(s_shape, Rows(60, seed: 11));
        using var worker = Process.GetProcessById(fits.WorkerPid!.Value);
        fits.Dispose();
        await worker.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        Assert.Throws<ObjectDisposedException>(() => fits.Trainer(new MaxEntTrainer()).Fit(s_shape, Rows(60, seed: 11)));
    }

    [Fact]
    public void When_no_worker_can_start_fits_run_in_process()
    {
        using var fits = new WorkerFitHost(new LearningWorkerCommand(Path.Combine(Path.GetTempPath(), "no-such-learning-worker"), []), NullLogger<WorkerFitHost>.Instance);
        var rows = Rows(200, seed: 12);

        var model = fits.Trainer(new LightGbmTrainer()).Fit(s_shape, rows);

        Assert.Null(fits.WorkerPid);
        AssertSamePredictions(new LightGbmTrainer().Fit(s_shape, rows), model, Rows(100, seed: 13).Select(r => r.Features).ToList());
    }

    [Fact]
    public async Task A_gateway_silo_learns_through_its_worker_and_after_the_worker_is_killed()
    {
        const string TaskId = "worker-learns";
        await using var host = new GatewayHost(configure: b => b.Services.AddSingleton(Command));
        await host.StartAsync();
        var fits = Assert.IsType<WorkerFitHost>(host.Services.GetRequiredService<IFitHost>());
        var http = host.Http;
        var data = TwoMoons.Generate(600, seed: 31);
        await http.CreateTwoMoonsTaskAsync(TaskId, new PolicyUpdate { KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000 });
        await http.BootstrapAsync(TaskId, data[..40], data[40..240]);
        var first = fits.WorkerPid ?? throw new InvalidOperationException("the bootstrap's fits did not start a worker");

        var one = await LearnOnAsync(http, TaskId, data, 240, 340);
        Assert.Equal(LearningOutcomes.Promoted, one.Outcome);
        Assert.Equal(first, fits.WorkerPid);

        Process.GetProcessById(first).Kill();
        var two = await LearnOnAsync(http, TaskId, data, 340, 440);

        Assert.Equal(LearningOutcomes.Promoted, two.Outcome);
        Assert.NotNull(fits.WorkerPid);
        Assert.NotEqual(first, fits.WorkerPid);
    }

    private static async Task<LearnResponse> LearnOnAsync(HttpClient http, string task, List<LabeledExample> data, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var row = Row(data[i]);
            (await http.PostAsync($"/v1/tasks/{task}/episodes", new EpisodeRequest(row.Features, row.Label, $"{task}-{i}"))).EnsureSuccessStatusCode();
        }

        return await (await http.PostAsync($"/v1/tasks/{task}/learn", null, Ct)).ReadAsync<LearnResponse>();
    }

    /// <summary>Waits until the worker has spent <paramref name="cpu"/> of processor time: the fit is under way in it.</summary>
    private static async Task WaitForCpuAsync(int pid, TimeSpan cpu)
    {
        using var process = Process.GetProcessById(pid);
        var before = process.TotalProcessorTime;
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            process.Refresh();
            if (process.TotalProcessorTime - before >= cpu)
            {
                return;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"The worker (pid {pid}) did not start the fit.");
    }

    /// <summary>Linux's SCHED_IDLE, as field 41 of a thread's stat shows it.</summary>
    private const int IdleClass = 5;

    /// <summary>The scheduling policy of each thread the process has now (threads that end meanwhile are skipped).</summary>
    private static IEnumerable<int> SchedulingPolicies(int pid)
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            // The command name (field 2) is in parentheses and may hold spaces: fields are counted after its ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            yield return int.Parse(fields[41 - 3], System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static string CommandLine(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');

    private static void AssertSamePredictions(TrainedModel expected, TrainedModel actual, IReadOnlyList<float[]> probes)
    {
        var p = new double[s_shape.Classes];
        var q = new double[s_shape.Classes];
        foreach (var x in probes)
        {
            expected.Predictor.Predict(x, p);
            actual.Predictor.Predict(x, q);
            Assert.Equal(p, q);
        }
    }

    /// <summary>Three overlapping Gaussian classes on four features.</summary>
    private static List<TrainingRow> Rows(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<TrainingRow>(count);
        for (var i = 0; i < count; i++)
        {
            var label = i % s_shape.Classes;
            var features = new float[s_shape.Features];
            for (var f = 0; f < features.Length; f++)
            {
                features[f] = (float)((f % s_shape.Classes == label ? 1.5 : 0) + (random.NextDouble() * 2 - 1) * 1.5);
            }

            rows.Add(new TrainingRow(features, label, 1f));
        }

        return rows;
    }
}
