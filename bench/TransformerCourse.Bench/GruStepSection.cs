using System.Diagnostics;
using System.Globalization;
using System.Text;
using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Optim;
using TransformerCourse.Recipes;

namespace TransformerCourse.Bench;

/// <summary>
/// Where a training step of notebooks 02–04's GRU models goes (the dates task, MathNet's managed provider unless
/// this process enabled another): per phase and per autograd operation, after warm-up steps.
/// <c>dotnet run -c Release --project bench/TransformerCourse.Bench -- --sections gru</c>.
/// </summary>
sealed class GruStepSection : IBenchSection
{
    const int Warmup = 5, Steps = 30;

    public string Name => "gru";

    public string Run(BenchSettings settings)
    {
        var md = new StringBuilder();
        md.AppendLine("## GRU training step (notebooks 02–04, dates task)");
        md.AppendLine();
        md.AppendLine($"Per step, mean of {Steps} steps after {Warmup} warm-up steps, batches of epoch 1 in order; "
            + $"{Environment.ProcessorCount} logical cores; provider: "
            + MathNet.Numerics.Providers.LinearAlgebra.LinearAlgebraControl.Provider.ToString() + ".");
        md.AppendLine();
        foreach (var kind in new[] { "bahdanau", "gru", "luong-general" })
        {
            var experiment = Experiment.Create("dates", kind);
            var options = experiment.Options;
            var batches = Seq2SeqBatch.Epoch(experiment.Train, options.BatchSize, options.Seed, 0)
                .Take(Warmup + Steps).ToList();
            for (int i = 0; i < Warmup; i++) experiment.Trainer.Step(batches[i]);
            var model = experiment.Model;
            var optimizer = experiment.Optimizer;
            int next = Warmup;
            Tensor? loss = null;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var (pause, gen2) = (GC.GetTotalPauseDuration(), GC.CollectionCount(2));
            var wall = Stopwatch.StartNew();
            var profile = StepProfile.Run(kind, Steps,
                ("zero grad", () => optimizer.ZeroGrad()),
                ("forward and loss", () => loss = model.Loss(batches[next++], options.LabelSmoothing)),
                ("backward", () => loss!.Backward()),
                ("clip", () => GradClip.ClipGradNorm(optimizer.Parameters, options.ClipNorm)),
                ("Adam", () => optimizer.Step()));
            wall.Stop();
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Steps;
            var pauseMs = (GC.GetTotalPauseDuration() - pause).TotalMilliseconds / Steps;
            md.AppendLine($"### {kind}: {wall.Elapsed.TotalMilliseconds / Steps:F1} ms wall, {cpuMs:F1} ms CPU per "
                + $"step (profiled), {pauseMs:F1} ms of it in GC pauses ({GC.CollectionCount(2) - gen2} gen-2 "
                + $"collections in {Steps} steps); loss of the last step "
                + loss!.Item().ToString("R", CultureInfo.InvariantCulture));
            md.AppendLine();
            md.Append(StepProfile.Report([profile]));
            md.AppendLine();
        }
        return md.ToString();
    }
}
