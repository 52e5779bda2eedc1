using System.Globalization;
using Spectre.Console;
using TransformerCourse.Data;
using TransformerCourse.Generation;
using TransformerCourse.Native;
using TransformerCourse.Recipes;
using TransformerCourse.Training;
using TransformerCourse.Visualization;

namespace TransformerCourse.Cli;

/// <summary>
/// <c>course train &lt;task&gt; --model &lt;kind&gt;</c>: trains one of the course's models on one of its tasks with a
/// progress bar, then prints the test metrics, the history, sample outputs and an attention map. Options are checked
/// before training (<see cref="TrainSettings"/>); Ctrl+C stops between two steps and saves the checkpoint (exit code
/// 130); <c>--resume FILE</c> continues a saved run exactly where it stopped.
/// </summary>
public sealed class TrainCommand : ICourseCommand
{
    /// <summary>Exit code after Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <inheritdoc />
    public string Name => "train";

    /// <inheritdoc />
    public string Usage =>
        $"train <{string.Join("|", Experiment.Tasks)}> [--model <{string.Join("|", Experiment.ModelKinds)}>] "
        + "[--seed N] [--scale X] [--beam K] [--save FILE] [--stop-after N]   train and evaluate a model "
        + "(Ctrl+C stops and saves); train --resume FILE   continue a saved run; "
        + $"train <{string.Join("|", CourseTasks.HeadsNames)}> [--seed N]   an encoder classifier / "
        + "a decoder-only language model on the ko-en corpus";

    /// <inheritdoc />
    public Task<int> RunAsync(CommandArgs args, IAnsiConsole console, CancellationToken cancel)
    {
        var settings = TrainSettings.Parse(args);
        if (settings.IsHeads) return Task.FromResult(Heads(settings.CourseTask, settings.Seed, console, cancel));
        if (settings.Save is { } save && TrainCheckpoint.PrepareSavePath(save) is { } created)
            console.WriteLine($"created the folder {created} for --save");
        // One run saves to a file at a time: a second run with the same --save is refused, not lost.
        using var saveLock = settings.Save is { } file ? TrainCheckpoint.Lock(file) : null;
        return Task.FromResult(Train(settings, console, cancel));
    }

    private static int Train(TrainSettings settings, IAnsiConsole console, CancellationToken cancel)
    {
        // Native BLAS when the machine has it (OpenBLAS, MKL); otherwise MathNet's managed code. Either way, say which.
        console.WriteLine(Acceleration.Enable().ToString());
        string task = settings.Task;
        var experiment = Experiment.Create(task, settings.Model!, settings.Seed, settings.Scale);
        var options = experiment.Options;
        var trainer = experiment.Trainer;
        int perEpoch = (experiment.Train.Count + options.BatchSize - 1) / options.BatchSize;
        int full = options.Epochs * perEpoch;
        int total = options.MaxSteps ?? full;
        console.MarkupLine($"[bold]{task}[/] with [bold]{experiment.ModelKind}[/]: " + Markup.Escape(
            $"{experiment.Model.ParameterCount:N0} parameters, {experiment.Train.Count:N0} training / "
            + $"{experiment.Valid.Count:N0} validation / {experiment.Test.Count:N0} test examples, "
            + $"seed {settings.Seed}"));
        console.WriteLine(settings.CourseTask.Data);
        int scaled = (int)Math.Round(settings.Scale * full);
        if (settings.Scale < 1 && scaled < total)
            console.WriteLine($"--scale {settings.ScaleText} gives {scaled:N0} of the full run's {full:N0} steps; "
                + $"running the minimum, {total:N0} steps");

        bool finishedBefore = false;
        if (settings.Resume is { } resume)
        {
            try
            {
                Checkpoint.Load(resume, experiment.Model, experiment.Optimizer, trainer);
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or KeyNotFoundException)
            {
                throw new UsageException(
                    $"--resume {resume}: it does not fit {task} with {experiment.ModelKind} ({e.Message})");
            }
            int step = experiment.Optimizer.StepCount;
            finishedBefore = settings.Resumed?.State == TrainCheckpoint.Finished;
            console.WriteLine(
                $"resuming {task} with {experiment.ModelKind} (seed {settings.Seed}, scale {settings.ScaleText}) from "
                + $"{resume} at step {step:N0} of {total:N0} (epoch {trainer.Epoch}, batch {trainer.BatchInEpoch:N0})");
            if (finishedBefore) console.WriteLine("that run is finished: evaluating it without training");
        }

        bool stopped = false;
        if (!finishedBefore)
        {
            string keep = settings.Save is { } s
                ? $"saves the run to {s}"
                : "keeps nothing (add --save FILE to keep the run)";
            int done = experiment.Optimizer.StepCount;
            string plan = done == 0 ? $"training {total:N0} steps" : $"training steps {done + 1:N0} to {total:N0}";
            console.WriteLine($"{plan}; Ctrl+C stops after the current step and {keep}");
            stopped = Fit(experiment, settings, total, perEpoch, console, cancel);
        }

        int steps = experiment.Optimizer.StepCount;
        if (stopped)
        {
            string why = cancel.IsCancellationRequested ? "Ctrl+C" : $"--stop-after {settings.StopAfter}";
            console.WriteLine($"stopped at step {steps:N0} of {total:N0} ({why})");
        }
        // Saved before the test evaluation and the printing, so nothing after training can lose the trained model.
        bool saved = settings.Save is null
            || (finishedBefore && settings.Save == settings.Resume)            // nothing new to keep
            || Save(experiment, settings, stopped ? TrainCheckpoint.Stopped : TrainCheckpoint.Finished, console);
        if (stopped)
        {
            console.WriteLine(settings.Save is { } file
                ? $"continue it with: course train --resume {Quote(file)}"
                : "nothing was saved (with --save FILE, a stopped run is kept and can be resumed)");
            return cancel.IsCancellationRequested ? Interrupted : saved ? 0 : 1;
        }

        console.WriteLine($"evaluating on {experiment.Test.Count:N0} test examples (greedy decoding)…");
        var test = Trainer.Evaluate(experiment.Model, experiment.Test, 100, options.MaxDecodeLength);
        if (cancel.IsCancellationRequested) return Stopped(console, settings, "while evaluating");
        Report(experiment, settings, test, console);
        if (settings.Beam is int asked)
        {
            // More beams than target tokens cannot find anything more: the width is clamped to the vocabulary.
            int beam = Math.Min(asked, experiment.Encoder.TargetVocabulary.Count);
            if (beam < asked)
                console.WriteLine($"--beam {asked} is wider than the {beam}-token target vocabulary; using {beam}");
            int n = Math.Min(200, experiment.Test.Count), right = 0;
            // In chunks, with progress, and stoppable between two chunks (Ctrl+C, SIGTERM).
            const int chunk = 20;
            for (int start = 0; start < n; start += chunk)
            {
                if (cancel.IsCancellationRequested) return Stopped(console, settings, "during beam search");
                var pairs = experiment.Test.Skip(start).Take(Math.Min(chunk, n - start)).ToList();
                var outputs = Decoding.Beam(experiment.Model, Batch.Pad(pairs.Select(p => p.Source).ToList()), beam,
                    options.MaxDecodeLength, 0.6);
                right += outputs.Where((o, i) => o.Tokens.AsSpan().SequenceEqual(pairs[i].Target)).Count();
                if (n > chunk) console.WriteLine($"beam search: {start + pairs.Count} of {n} examples decoded");
            }
            console.WriteLine(
                $"beam search (width {beam}) exact match on the first {n} test examples: {right / (double)n:P1}");
        }
        Samples(experiment, settings.CourseTask, console);
        if (cancel.IsCancellationRequested) return Stopped(console, settings, "while printing the results");

        if (test.ExactMatch > 0) return saved ? 0 : 1;
        console.WriteLine($"✘ no test example came out exactly right, so the exit code is 1"
            + (settings.Scale < 1
                ? $": {steps:N0} steps (--scale {settings.ScaleText}) are too few for {task}, "
                    + $"whose full run takes {full:N0}"
                : ""));
        return 1;
    }

    /// <summary>Trains with a progress bar to the end, Ctrl+C or --stop-after; returns whether it stopped.</summary>
    private static bool Fit(Experiment experiment, TrainSettings settings, int total, int perEpoch,
        IAnsiConsole console, CancellationToken cancel)
    {
        var options = experiment.Options;
        var trainer = experiment.Trainer;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        bool stopped = false;
        console.Progress()
            .Columns(
                new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                int first = experiment.Optimizer.StepCount;
                var bar = ctx.AddTask(
                    FormattableString.Invariant($"epoch {trainer.Epoch} · step {first:N0}/{total:N0} · starting…"),
                    maxValue: total);
                bar.Value = first;
                var seen = trainer.History.LastOrDefault();
                string batch = "";
                // The trainer reports after every step (Loss: that batch's loss) and after every evaluation (Loss: the
                // mean since the previous one, which the history table shows): the bar labels each for what it is.
                trainer.OnProgress = p =>
                {
                    bar.MaxValue = p.TotalSteps;
                    bar.Value = p.Step;
                    bool evaluation = p.LastEvaluation is { } e && !ReferenceEquals(e, seen);
                    if (evaluation) seen = p.LastEvaluation;
                    else
                        batch = FormattableString.Invariant($"epoch {p.Epoch} · step {p.Step:N0}/{p.TotalSteps:N0} · ")
                            + FormattableString.Invariant($"batch loss {p.Loss:F4} · {p.TokensPerSecond:N0} tok/s");
                    bool evaluatesNow = !evaluation && (
                        (options.EvalEvery > 0 && p.Step % options.EvalEvery == 0)
                        || (options.EvalEvery <= 0 && trainer.BatchInEpoch == perEpoch)
                        || p.Step >= p.TotalSteps);
                    string valid = evaluatesNow ? $" · evaluating on {experiment.Valid.Count:N0} validation examples…"
                        : seen is { } r ? FormattableString.Invariant(
                            $" · valid loss {r.ValidLoss:F4} · valid exact {r.ExactMatch:P1}")
                        : "";
                    bar.Description = Markup.Escape(batch + valid);
                    if (settings.StopAfter is int n && p.Step >= n) stop.Cancel();
                };
                try
                {
                    trainer.Fit(experiment.Train, experiment.Valid, stop.Token);
                    bar.Value = bar.MaxValue;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    stopped = true;
                }
                finally
                {
                    trainer.OnProgress = null;
                }
            });
        return stopped;
    }

    /// <summary>Saves the checkpoint; if --save's place fails now, saves to the temporary folder instead.</summary>
    private static bool Save(Experiment experiment, TrainSettings settings, string state, IAnsiConsole console)
    {
        string path = settings.Save!;
        try
        {
            TrainCheckpoint.Save(path, experiment, settings, state);
            console.WriteLine($"saved the model, optimiser state and position in the data to {path}");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string fallback = Path.Combine(Path.GetTempPath(),
                $"course-{settings.Task}-{experiment.ModelKind}-step{experiment.Optimizer.StepCount}.safetensors");
            console.MarkupLineInterpolated($"[red]could not write --save {path}: {e.Message}[/]");
            TrainCheckpoint.Save(fallback, experiment, settings, state);
            console.WriteLine($"saved the run to {fallback} instead");
            return false;
        }
    }

    private static int Stopped(IAnsiConsole console, TrainSettings settings, string when)
    {
        console.WriteLine($"stopped by Ctrl+C {when}"
            + (settings.Save is { } file ? $"; the trained model is saved in {file}" : ""));
        return Interrupted;
    }

    /// <summary>The history (losses labelled), the validation-loss sparkline and the test line.</summary>
    private static void Report(Experiment experiment, TrainSettings settings, Evaluation test, IAnsiConsole console)
    {
        var options = experiment.Options;
        var history = experiment.Trainer.History;
        string trainLoss = options.EvalEvery > 0
            ? $"train loss (mean of {options.EvalEvery} steps)"
            : "train loss (epoch mean)";
        int valid = experiment.Valid.Count;
        int limit = options.ValidationLimit > 0 ? Math.Min(options.ValidationLimit, valid) : valid;
        string smoothing = options.LabelSmoothing > 0
            ? FormattableString.Invariant($", with label smoothing {options.LabelSmoothing}") : "";
        string resumed = settings.Resume is null ? "" : " (the first row after resuming: since the resumed step)";
        var table = new Table()
            .AddColumns("step", "epoch", trainLoss, "valid loss", "token acc", "exact match", "tok/s", "lr", "seconds");
        foreach (var r in history)
        {
            table.AddRow(I(r.Step), I(r.Epoch), F(r.TrainLoss), F(r.ValidLoss), P(r.TokenAccuracy, "P2"),
                P(r.ExactMatch, "P2"), P(r.TokensPerSecond, "N0"), P(r.LearningRate, "G3"), P(r.Seconds, "F1"));
        }
        console.Write(table);
        console.WriteLine($"  train loss: the mean batch loss since the previous row{smoothing}{resumed}");
        console.WriteLine($"  valid loss (no smoothing) and token acc: all {valid:N0} validation examples, "
            + $"teacher forced; exact match: the first {limit:N0}, greedy");
        console.WriteLine($"validation loss  {TextPlot.Sparkline(history.Select(h => h.ValidLoss).ToList())}");
        double seconds = history.Count > 0 ? history[^1].Seconds : 0;
        console.MarkupLine("[bold]test[/]: " + Markup.Escape(
            $"exact match {test.ExactMatch:P2} of {test.Count:N0}, token accuracy {test.TokenAccuracy:P2}, "
            + $"loss {test.Loss:F4}; trained {experiment.Optimizer.StepCount:N0} steps in {seconds:F1} s"));

        if (settings.CourseTask.ReportsByLength)
        {
            var byLength = new Table().AddColumns("input length", "examples", "exact match");
            foreach (var (len, acc, n) in experiment.AccuracyByLength(experiment.Test))
                byLength.AddRow(I(len), I(n), P(acc, "P1"));
            console.Write(byLength);
        }
    }

    /// <summary>Test sources with their translations and the attention behind the first (or first few).</summary>
    private static void Samples(Experiment experiment, CourseTask task, IAnsiConsole console)
    {
        var samples = task.SampleSources(experiment);
        for (int i = 0; i < samples.Count; i++)
        {
            string source = samples[i];
            var (output, decoded) = experiment.Translate(source);
            console.WriteLine($"  {source}  →  {output}");
            if (decoded.Attention is { } map && i < task.AttentionMaps)
            {
                var srcTokens = experiment.Encoder.SourceTokenizer.Tokenize(source);
                var outTokens = experiment.Encoder.TargetVocabulary.Decode(decoded.Tokens).Append("<eos>")
                    .Take(map.RowCount).ToList();
                var weights = map.SubMatrix(0, outTokens.Count, 0, srcTokens.Count);
                console.WriteLine(TextPlot.Heatmap(weights, outTokens, srcTokens.ToList(), 0, 1));
            }
        }
    }

    private static int Heads(CourseTask task, int seed, IAnsiConsole console, CancellationToken cancel)
    {
        console.WriteLine(Acceleration.Enable().ToString());
        console.WriteLine(task.Data);
        // These runs take seconds and keep no checkpoint: Ctrl+C cannot stop them between steps; a second one ends it.
        using var hint = cancel.Register(() =>
            console.WriteLine($"{task.Name} cannot stop between steps and keeps nothing; press Ctrl+C again to end " +
                $"it"));
        var outcome = task.Heads!(seed);
        foreach (var line in outcome.Lines) console.WriteLine(line);
        return outcome.BeatBaseline ? 0 : 1;
    }

    private static string Quote(string path) => path.Any(char.IsWhiteSpace) ? $"\"{path}\"" : path;

    private static string I(int x) => x.ToString(CultureInfo.InvariantCulture);

    private static string F(double x) => x.ToString("F4", CultureInfo.InvariantCulture);

    private static string P(double x, string format) => x.ToString(format, CultureInfo.InvariantCulture);
}
