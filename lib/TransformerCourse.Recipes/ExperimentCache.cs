using System.Globalization;
using System.Runtime.ExceptionServices;
using TransformerCourse.Training;

namespace TransformerCourse.Recipes;

/// <summary>
/// <see cref="ModelCache"/> for the course's ready-made runs: trains an <see cref="Experiment"/> once and reuses the
/// trained model afterwards. The key adds to the library's (initial parameters, library build) the task, the model
/// kind, the training options, the number of training pairs and the build of these recipes.
/// </summary>
public static class ExperimentCache
{
    /// <summary>
    /// Returns the result of <see cref="Experiment.Run"/>: from the cache when the same experiment was trained before
    /// (<c>FromCache</c> true, the model's weights replaced by the trained ones), otherwise by training now and storing
    /// the outcome. Call it on a freshly created experiment, before any training step.
    /// </summary>
    public static (ExperimentResult Result, bool FromCache) Run(Experiment experiment,
        Action<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        if (experiment.Optimizer.StepCount != 0)
        {
            throw new InvalidOperationException(
                "ExperimentCache.Run: the experiment has already been trained; create a fresh one.");
        }
        return ModelCache.Run($"{experiment.Task}-{experiment.ModelKind}", experiment.Model, Settings(experiment), () =>
        {
            if (progress is not null) experiment.Trainer.OnProgress = progress;
            return experiment.Run();
        });
    }

    /// <summary>
    /// <see cref="Run"/> for independent experiments at once, each on its own thread, so that a machine's cores train
    /// them side by side. Each experiment has its own weights, optimiser, seed and batch order, and the library's
    /// parallel products split their work in fixed blocks, so every number equals that of running the experiments one
    /// after another. Progress is not printed from the threads: each call of <paramref name="progressLine"/> that
    /// returns a line adds it to that experiment's log, returned with its result, in the order the experiments were
    /// given, whichever finished first.
    /// </summary>
    /// <param name="experiments">Freshly created experiments (distinct objects).</param>
    /// <param name="progressLine">Optional: the line to log for a progress report, or null to log nothing.</param>
    public static IReadOnlyList<(ExperimentResult Result, bool FromCache, IReadOnlyList<string> Log)> RunAll(
        IReadOnlyList<Experiment> experiments, Func<TrainingProgress, string?>? progressLine = null)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        if (experiments.Distinct().Count() != experiments.Count)
            throw new ArgumentException("ExperimentCache.RunAll: the same experiment object is given twice; " +
                "create one per run.", nameof(experiments));
        var logs = experiments.Select(_ => new List<string>()).ToArray();
        var runs = experiments.Select((experiment, i) => Task.Factory.StartNew(() => Run(experiment, p =>
        {
            if (progressLine?.Invoke(p) is { } line) logs[i].Add(line);
        }), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            Task.WaitAll(runs);
        }
        catch (AggregateException)
        {
            // Report the first failed experiment in the order given, with its own exception.
            var failed = runs.First(t => t.IsFaulted).Exception!.InnerException!;
            ExceptionDispatchInfo.Capture(failed).Throw();
        }
        return runs.Select((t, i) => (t.Result.Result, t.Result.FromCache, (IReadOnlyList<string>)logs[i])).ToList();
    }

    /// <summary>Everything besides the initial parameters that decides the run's outcome, as text.</summary>
    public static string Settings(Experiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        return string.Join("\n",
            experiment.Options.ToString(),
            experiment.Options.Schedule?.ToString() ?? "",
            experiment.Train.Count.ToString(CultureInfo.InvariantCulture),
            typeof(ExperimentCache).Assembly.ManifestModule.ModuleVersionId.ToString());
    }
}
