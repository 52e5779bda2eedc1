using System.Globalization;
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
