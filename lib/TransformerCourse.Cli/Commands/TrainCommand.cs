using System.Globalization;
using Spectre.Console;
using TransformerCourse.Data;
using TransformerCourse.Training;
using TransformerCourse.Visualization;

namespace TransformerCourse.Cli;

/// <summary>
/// <c>course train &lt;task&gt; --model &lt;kind&gt;</c>: trains one of the course's models on one of its tasks with a progress
/// bar, then prints the test metrics, the history, sample outputs and an attention map.
/// </summary>
public sealed class TrainCommand : ICourseCommand
{
    /// <inheritdoc />
    public string Name => "train";

    /// <inheritdoc />
    public string Usage =>
        $"train <{string.Join("|", Experiment.Tasks)}> --model <{string.Join("|", Experiment.ModelKinds)}> [--seed N] [--scale X] [--beam K] [--save FILE]   train and evaluate a model; "
        + "train <ko-negation|en-lm> [--seed N]   an encoder classifier / a decoder-only language model on the ko-en corpus";

    /// <inheritdoc />
    public Task<int> RunAsync(CommandArgs args, IAnsiConsole console, CancellationToken cancel)
    {
        args.Allow();
        if (args.Positionals.Count != 1) throw new UsageException("train needs one task");
        string task = args.Positionals[0];
        if (task is "ko-negation" or "en-lm") return Task.FromResult(Heads(task, ParseInt(args, "--seed", 1), console));
        if (!Experiment.Tasks.Contains(task)) throw new UsageException($"unknown task '{task}'");
        string kind = args.Options.GetValueOrDefault("--model") ?? (task is "dates" ? "bahdanau" : "transformer");
        if (!Experiment.ModelKinds.Contains(kind)) throw new UsageException($"unknown model '{kind}'");
        int seed = ParseInt(args, "--seed", 1);
        double scale = args.Options.TryGetValue("--scale", out var s) ? double.Parse(s, CultureInfo.InvariantCulture) : 1.0;
        int beam = ParseInt(args, "--beam", 0);

        // Native BLAS when the machine has it (OpenBLAS, MKL); otherwise MathNet's managed code. Either way, say which.
        console.WriteLine(TransformerCourse.Native.Acceleration.Enable().ToString());
        var experiment = Experiment.Create(task, kind, seed, scale);
        console.MarkupLineInterpolated(
            $"[bold]{task}[/] with [bold]{kind}[/]: {experiment.Model.ParameterCount:N0} parameters, {experiment.Train.Count:N0} training / {experiment.Valid.Count:N0} validation / {experiment.Test.Count:N0} test examples, seed {seed}");

        ExperimentResult result = null!;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var bar = ctx.AddTask("training", maxValue: 1);
                experiment.Trainer.OnProgress = p =>
                {
                    cancel.ThrowIfCancellationRequested();
                    bar.MaxValue = p.TotalSteps;
                    bar.Value = p.Step;
                    var eval = p.LastEvaluation is { } e ? $", valid exact {e.ExactMatch:P1}" : "";
                    bar.Description = $"epoch {p.Epoch} step {p.Step} loss {p.Loss:F4} {p.TokensPerSecond:N0} tok/s{eval}";
                };
                result = experiment.Run();
                bar.Value = bar.MaxValue;
            });

        var history = new Table().AddColumns("step", "epoch", "train loss", "valid loss", "token acc", "exact match", "tok/s", "lr", "seconds");
        foreach (var r in result.History)
        {
            history.AddRow(r.Step.ToString(CultureInfo.InvariantCulture), r.Epoch.ToString(CultureInfo.InvariantCulture), F(r.TrainLoss), F(r.ValidLoss),
                r.TokenAccuracy.ToString("P2", CultureInfo.InvariantCulture), r.ExactMatch.ToString("P2", CultureInfo.InvariantCulture),
                r.TokensPerSecond.ToString("N0", CultureInfo.InvariantCulture), r.LearningRate.ToString("G3", CultureInfo.InvariantCulture),
                r.Seconds.ToString("F1", CultureInfo.InvariantCulture));
        }
        console.Write(history);
        console.WriteLine($"validation loss  {TextPlot.Sparkline(result.History.Select(h => h.ValidLoss).ToList())}");
        console.MarkupLineInterpolated(
            $"[bold]test[/]: exact match {result.Test.ExactMatch:P2} of {result.Test.Count:N0}, token accuracy {result.Test.TokenAccuracy:P2}, loss {result.Test.Loss:F4}; trained {result.Steps:N0} steps in {result.TrainSeconds:F1} s");

        if (beam > 0)
        {
            var outputs = Decoding.Beam(experiment.Model, Batch.Pad(experiment.Test.Take(200).Select(p => p.Source).ToList()), beam, experiment.Options.MaxDecodeLength, 0.6);
            int right = outputs.Select((o, i) => o.Tokens.AsSpan().SequenceEqual(experiment.Test[i].Target) ? 1 : 0).Sum();
            console.WriteLine($"beam search (width {beam}) exact match on the first 200 test examples: {right / 200.0:P1}");
        }

        if (task == "dates")
        {
            var byLength = new Table().AddColumns("input length", "examples", "exact match");
            foreach (var (len, acc, n) in experiment.AccuracyByLength(experiment.Test))
                byLength.AddRow(len.ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture), acc.ToString("P1", CultureInfo.InvariantCulture));
            console.Write(byLength);
        }

        var samples = task == "ko-en" ? [KoEnDataset.SeedPair.Source, .. experiment.Text.Test.Skip(1).Take(4).Select(p => p.Source)] : experiment.Text.Test.Take(5).Select(p => p.Source).ToList();
        foreach (var source in samples)
        {
            var (output, decoded) = experiment.Translate(source);
            console.WriteLine($"  {source}  →  {output}");
            // The attention behind the first output (and, for ko-en, a longer sentence too, where the verb moves from the end to second place).
            bool show = source == samples[0] || (task == "ko-en" && source == samples[1]);
            if (decoded.Attention is { } map && show)
            {
                var srcTokens = experiment.Encoder.SourceTokenizer.Tokenize(source);
                var outTokens = experiment.Encoder.TargetVocabulary.Decode(decoded.Tokens).Append("<eos>").Take(map.RowCount).ToList();
                console.WriteLine(TextPlot.Heatmap(map.SubMatrix(0, outTokens.Count, 0, srcTokens.Count), outTokens, srcTokens.ToList(), 0, 1));
            }
        }

        if (args.Options.TryGetValue("--save", out var path))
        {
            Checkpoint.Save(path, experiment.Model, experiment.Optimizer, experiment.Trainer);
            console.WriteLine($"saved the model and optimiser state to {path}");
        }
        return Task.FromResult(result.Test.ExactMatch > 0 ? 0 : 1);
    }

    private static int Heads(string task, int seed, IAnsiConsole console)
    {
        console.WriteLine(TransformerCourse.Native.Acceleration.Enable().ToString());
        if (task == "ko-negation")
        {
            var (_, _, c) = HeadsOnTop.TrainNegationClassifier(seed: seed);
            console.WriteLine($"encoder classifier (is the Korean sentence negated?): {c.Steps} steps in {c.Seconds:F1} s, loss {TextPlot.Sparkline(c.Losses)}");
            console.WriteLine($"test accuracy {c.TestAccuracy:P1} (always answering the commoner class: {c.MajorityBaseline:P1})");
            return c.TestAccuracy > c.MajorityBaseline ? 0 : 1;
        }
        var (_, _, lm) = HeadsOnTop.TrainEnglishLanguageModel(seed: seed);
        console.WriteLine($"decoder-only language model of the English sentences: {lm.Steps} steps in {lm.Seconds:F1} s, loss {TextPlot.Sparkline(lm.Losses)}");
        console.WriteLine($"test perplexity {lm.TestPerplexity:F2} (a unigram model, which ignores the context: {lm.UnigramPerplexity:F1})");
        foreach (var sample in lm.Samples) console.WriteLine($"  {sample}");
        return lm.TestPerplexity < lm.UnigramPerplexity ? 0 : 1;
    }

    private static string F(double x) => x.ToString("F4", CultureInfo.InvariantCulture);

    private static int ParseInt(CommandArgs args, string name, int fallback) =>
        !args.Options.TryGetValue(name, out var v) ? fallback
        : int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n
        : throw new UsageException($"{name} needs a whole number, got '{v}'");
}
