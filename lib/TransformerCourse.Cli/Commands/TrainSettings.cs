using System.Globalization;
using TransformerCourse.Recipes;

namespace TransformerCourse.Cli;

/// <summary>
/// The options of <c>course train</c>, checked before anything is trained: every mistake is a
/// <see cref="UsageException"/> that names the option and what it accepts. With <c>--resume FILE</c>, the task, model,
/// seed and scale come from the checkpoint (given ones must match it) and <c>--save</c> defaults to FILE.
/// </summary>
/// <param name="Task">The task.</param>
/// <param name="Model">The model kind (null for the heads tasks).</param>
/// <param name="Seed">Initial weights and batch order.</param>
/// <param name="Scale">The fraction of the full run to train, in (0, 1].</param>
/// <param name="Beam">Also report beam search of this width (null: no).</param>
/// <param name="Save">Where the checkpoint goes (null: nowhere).</param>
/// <param name="Resume">The checkpoint to continue from (null: a new run).</param>
/// <param name="StopAfter">Stop after this step, as Ctrl+C would (null: train to the end).</param>
/// <param name="Resumed">The checkpoint's run information, when resuming.</param>
public sealed record TrainSettings(
    string Task, string? Model, int Seed, double Scale, int? Beam, string? Save, string? Resume, int? StopAfter,
    TrainCheckpoint.RunInfo? Resumed)
{
    /// <summary>The tasks of <see cref="Experiment"/>, then the heads tasks (which take only <c>--seed</c>).</summary>
    public static readonly IReadOnlyList<string> AllTasks = CourseTasks.Names;

    /// <summary>The encoder classifier and the decoder-only language model of curriculum notebook 12.</summary>
    public static IReadOnlyList<string> HeadsTasks => CourseTasks.HeadsNames;

    /// <summary>Every option of <c>course train</c>, in the order the messages list them.</summary>
    public static readonly string[] OptionNames =
        ["--model", "--seed", "--scale", "--beam", "--save", "--resume", "--stop-after"];

    /// <summary>The task's settings (its data, its default model, how its report looks).</summary>
    public CourseTask CourseTask => CourseTasks.Find(Task)!;

    /// <summary>Whether this is one of the <see cref="HeadsTasks"/>.</summary>
    public bool IsHeads => CourseTask.IsHeads;

    /// <summary>The scale as the user would type it (0.02, 1).</summary>
    public string ScaleText => Scale.ToString("G", CultureInfo.InvariantCulture);

    /// <summary>Reads and checks the arguments of <c>course train</c> (and, to resume, the checkpoint's run).</summary>
    public static TrainSettings Parse(CommandArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        args.AllowOnly("train", OptionNames);
        var o = args.Options;
        if (args.Positionals.Count > 1)
            throw new UsageException($"train takes one task, got {string.Join(" ", args.Positionals)}");
        string? task = args.Positionals.FirstOrDefault();
        string? resume = o.GetValueOrDefault("--resume");
        if (task is null && resume is null)
            throw new UsageException($"train needs a task: one of {string.Join(", ", AllTasks)}");
        if (task is not null && !AllTasks.Contains(task))
            throw new UsageException($"unknown task '{task}'; the tasks are {string.Join(", ", AllTasks)}");

        int? seed = Whole(o, "--seed", 0, "from 0 to 2147483647");
        if (task is not null && HeadsTasks.Contains(task))
        {
            var other = o.Keys.FirstOrDefault(k => k != "--seed");
            if (other is not null) throw new UsageException($"{task} takes only --seed, not {other}");
            return new TrainSettings(task, null, seed ?? 1, 1, null, null, null, null, null);
        }

        string? model = o.GetValueOrDefault("--model");
        if (model is not null && !Experiment.ModelKinds.Contains(model))
            throw new UsageException(
                $"unknown model '{model}'; the models are {string.Join(", ", Experiment.ModelKinds)}");
        double? scale = null;
        if (o.TryGetValue("--scale", out var s))
        {
            bool number = double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double x);
            scale = number && x > 0 && x <= 1 ? x : throw new UsageException("--scale needs a number greater than 0 "
                + $"and at most 1 (the fraction of the full run to train), got '{s}'");
        }
        int? beam = Whole(o, "--beam", 1, "of at least 1 (the beam width)");
        int? stopAfter = Whole(o, "--stop-after", 1, "of at least 1 (the step to stop after)");
        string? save = o.GetValueOrDefault("--save");

        TrainCheckpoint.RunInfo? resumed = null;
        if (resume is not null)
        {
            resumed = TrainCheckpoint.ReadRun(resume);
            task = Same("task", task, resumed.Task, "the task");
            model = Same("model", model, resumed.Model, "--model");
            seed = Same("seed", seed, resumed.Seed, "--seed");
            scale = Same("scale", scale, resumed.Scale, "--scale");
            if (task is null)
                throw new UsageException($"--resume {resume}: the checkpoint does not say which task it trains; "
                    + $"name it: course train <task> --model <kind> --resume {resume}");
            if (!Experiment.Tasks.Contains(task))
                throw new UsageException($"--resume {resume}: the checkpoint's task '{task}' is not a course task");
            if (stopAfter is int n && n <= resumed.Step)
                throw new UsageException($"--stop-after {n} is not after the checkpoint's step {resumed.Step}");
            save ??= resume;
        }
        if (task is null) throw new UsageException("train needs a task");
        if (stopAfter is not null && save is null)
            throw new UsageException("--stop-after needs --save FILE, where the run is kept for --resume");
        return new TrainSettings(task, model ?? CourseTasks.Find(task)!.DefaultModel, seed ?? 1, scale ?? 1.0,
            beam, save, resume, stopAfter, resumed);
    }

    private static int? Whole(Dictionary<string, string> options, string name, int min, string range)
    {
        if (!options.TryGetValue(name, out var v)) return null;
        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min ? n
            : throw new UsageException($"{name} needs a whole number {range}, got '{v}'");
    }

    /// <summary>The checkpoint's value, or the given one where the checkpoint has none; both must match.</summary>
    private static T? Same<T>(string what, T? given, T? saved, string option)
    {
        if (given is null || saved is null || EqualityComparer<T>.Default.Equals(given, saved)) return saved ?? given;
        string Text(T value) => Convert.ToString(value, CultureInfo.InvariantCulture)!;
        throw new UsageException($"{option} {Text(given)} does not match the checkpoint's {what} {Text(saved)}; "
            + $"leave {option} out to continue that run");
    }
}
