using System.Diagnostics;
using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Generation;
using TransformerCourse.Optim;
using TransformerCourse.Seq2Seq;

namespace TransformerCourse.Training;

/// <summary>How to train: batch size, length, learning rate, clipping, evaluation and stopping.</summary>
public sealed record TrainingOptions
{
    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Passes over the training set (training may stop earlier).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Stop after this many optimiser steps, if set.</summary>
    public int? MaxSteps { get; init; }

    /// <summary>The learning rate per step; null keeps the optimiser's own rate.</summary>
    public ILearningRateSchedule? Schedule { get; init; }

    /// <summary>Clip the global gradient norm to this (0 = no clipping).</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Label smoothing ε of the training loss (validation loss is unsmoothed).</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Evaluate every this many steps (0 = at the end of every epoch).</summary>
    public int EvalEvery { get; init; }

    /// <summary>At most this many validation examples are decoded for exact match (0 = all).</summary>
    public int ValidationLimit { get; init; }

    /// <summary>Stop as soon as the validation exact match reaches this (1.0 = only when perfect; above
    /// 1 = never).</summary>
    public double TargetExactMatch { get; init; } = 2.0;

    /// <summary>The longest output to decode during evaluation.</summary>
    public int MaxDecodeLength { get; init; } = 40;

    /// <summary>Seed of the batch order (epoch e uses (Seed, e)).</summary>
    public int Seed { get; init; } = 1;
}

/// <summary>One row of the training history (after each evaluation).</summary>
/// <param name="Step">Optimiser steps so far.</param>
/// <param name="Epoch">The epoch (from 1).</param>
/// <param name="TrainLoss">Mean training loss since the previous record.</param>
/// <param name="ValidLoss">Validation loss (teacher forced, unsmoothed).</param>
/// <param name="TokenAccuracy">Fraction of validation target tokens (incl. &lt;eos&gt;) predicted right
/// with teacher forcing.</param>
/// <param name="ExactMatch">Fraction of validation examples whose greedy decoding equals the target exactly.</param>
/// <param name="TokensPerSecond">Training target tokens processed per second since the previous record.</param>
/// <param name="LearningRate">The learning rate of the last step.</param>
/// <param name="Seconds">Training time so far (excluding evaluation).</param>
public sealed record TrainingRecord(int Step, int Epoch, double TrainLoss, double ValidLoss, double TokenAccuracy,
    double ExactMatch, double TokensPerSecond, double LearningRate, double Seconds);

/// <summary>What the trainer reports after every step, for a progress line or bar.</summary>
/// <param name="Step">Steps so far.</param>
/// <param name="TotalSteps">Planned steps (Epochs × batches per epoch, or MaxSteps).</param>
/// <param name="Epoch">Current epoch (from 1).</param>
/// <param name="Loss">Loss of the latest batch.</param>
/// <param name="TokensPerSecond">Recent training throughput.</param>
/// <param name="LastEvaluation">The latest evaluation, if any.</param>
public sealed record TrainingProgress(int Step, int TotalSteps, int Epoch, double Loss, double TokensPerSecond,
    TrainingRecord? LastEvaluation)
{
    /// <summary>One line for a notebook's updating display: "epoch 2 · step 480/1252 · loss 0.5510 · 12,605 tok/s ·
    /// valid exact 95.5%".</summary>
    public override string ToString()
    {
        var valid = LastEvaluation is { } e ? FormattableString.Invariant($" · valid exact {e.ExactMatch:P1}") : "";
        return FormattableString.Invariant($"epoch {Epoch} · step {Step}/{TotalSteps} · ") +
            FormattableString.Invariant($"loss {Loss:F4} · {TokensPerSecond:N0} tok/s{valid}");
    }
}

/// <summary>Validation metrics.</summary>
/// <param name="Loss">Mean cross-entropy per target token.</param>
/// <param name="TokenAccuracy">Teacher-forced next-token accuracy.</param>
/// <param name="ExactMatch">Greedy-decoded sequences equal to the target.</param>
/// <param name="Count">Examples decoded for exact match.</param>
public sealed record Evaluation(double Loss, double TokenAccuracy, double ExactMatch, int Count);

/// <summary>
/// The training loop: for each batch, loss → backward → clip → step, with the learning rate from a schedule;
/// evaluation on held-out data; history as data; progress through a callback; early stopping.
/// </summary>
public sealed class Trainer
{
    /// <summary>Creates a trainer for <paramref name="model"/> with <paramref name="optimizer"/>.</summary>
    public Trainer(Seq2SeqModel model, Optimizer optimizer, TrainingOptions? options = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Options = options ?? new TrainingOptions();
        if (Options.BatchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), Options.BatchSize,
                $"Trainer: BatchSize must be at least 1, got {Options.BatchSize}.");
        if (!(Options.ClipNorm >= 0) || double.IsInfinity(Options.ClipNorm))
            throw new ArgumentOutOfRangeException(nameof(options), Options.ClipNorm,
                $"Trainer: ClipNorm must be a finite number ≥ 0 (0 = no clipping), got {Options.ClipNorm}.");
    }

    /// <summary>The model being trained.</summary>
    public Seq2SeqModel Model { get; }

    /// <summary>The optimiser.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The options.</summary>
    public TrainingOptions Options { get; }

    /// <summary>Called after every step.</summary>
    public Action<TrainingProgress>? OnProgress { get; set; }

    /// <summary>The evaluations so far.</summary>
    public List<TrainingRecord> History { get; } = new();

    /// <summary>The epoch in progress (from 1); with <see cref="BatchInEpoch"/>, where a
    /// resumed run continues.</summary>
    public int Epoch { get; private set; } = 1;

    /// <summary>Batches of <see cref="Epoch"/> already done.</summary>
    public int BatchInEpoch { get; private set; }

    /// <summary>
    /// One optimisation step on one batch: the schedule's learning rate, zero the gradients, loss
    /// (label-smoothed as the
    /// options say), backward, clip, update. Returns the batch's loss; a non-finite loss is an error.
    /// </summary>
    public double Step(Seq2SeqBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Model.Train();
        if (Options.Schedule is not null) Optimizer.LearningRate = Options.Schedule.At(Optimizer.StepCount + 1);
        Optimizer.ZeroGrad();
        var loss = Model.Loss(batch, Options.LabelSmoothing);
        loss.Backward();
        if (Options.ClipNorm > 0) GradClip.ClipGradNorm(Optimizer.Parameters, Options.ClipNorm);
        Optimizer.Step();
        double value = loss.Item();
        if (!double.IsFinite(value))
            throw new ArithmeticException($"Trainer: the loss became {value} at step {Optimizer.StepCount}; lower " +
                $"the learning rate or clip harder.");
        return value;
    }

    /// <summary>Continues a run from a checkpoint: the epoch and batch to resume at, and the history so far.</summary>
    public void Resume(int epoch, int batchInEpoch, IEnumerable<TrainingRecord> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (epoch < 1 || batchInEpoch < 0)
            throw new ArgumentOutOfRangeException(nameof(epoch),
                $"Trainer.Resume: epoch {epoch} (from 1) and batch {batchInEpoch} (from 0) are out of range.");
        Epoch = epoch;
        BatchInEpoch = batchInEpoch;
        History.Clear();
        History.AddRange(history);
    }

    /// <summary>Trains on <paramref name="train"/>, evaluating on <paramref name="valid"/>;
    /// returns the history.</summary>
    /// <remarks>
    /// <paramref name="cancel"/> is checked before every step: once it is cancelled, Fit throws an
    /// <see cref="OperationCanceledException"/> between two steps, with the model, the optimiser, <see cref="Epoch"/>,
    /// <see cref="BatchInEpoch"/> and <see cref="History"/> all at that step, so a <see cref="Checkpoint.Save"/> then
    /// resumes exactly.
    /// </remarks>
    public List<TrainingRecord> Fit(
        IReadOnlyList<EncodedPair> train, IReadOnlyList<EncodedPair> valid, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(valid);
        if (train.Count == 0) throw new ArgumentException("Trainer.Fit: the training set is empty.");
        int perEpoch = (train.Count + Options.BatchSize - 1) / Options.BatchSize;
        int total = Options.MaxSteps ?? perEpoch * Options.Epochs;
        var clock = Stopwatch.StartNew();
        double lossSum = 0, lastRate = 0, trainSeconds = History.Count > 0 ? History[^1].Seconds : 0;
        int lossCount = 0, tokens = 0;
        var window = Stopwatch.StartNew();

        bool Stop() => Options.MaxSteps is int max && Optimizer.StepCount >= max;

        for (; Epoch <= Options.Epochs && !Stop(); Epoch++, BatchInEpoch = 0)
        {
            int index = 0;
            foreach (var batch in Seq2SeqBatch.Epoch(train, Options.BatchSize, Options.Seed, Epoch - 1))
            {
                if (index++ < BatchInEpoch) continue;       // resuming inside an epoch
                cancel.ThrowIfCancellationRequested();
                double value = Step(batch);
                BatchInEpoch++;
                lossSum += value;
                lossCount++;
                tokens += batch.DecoderTarget.TokenCount;
                lastRate = Optimizer.LearningRate;
                double rate = tokens / Math.Max(1e-9, window.Elapsed.TotalSeconds);
                OnProgress?.Invoke(new TrainingProgress(Optimizer.StepCount, total, Epoch, value, rate,
                    History.LastOrDefault()));

                bool evalNow = Options.EvalEvery > 0 && Optimizer.StepCount % Options.EvalEvery == 0;
                if (evalNow || (Options.EvalEvery <= 0 && BatchInEpoch == perEpoch) || Stop())
                {
                    var record = Record(valid, lossSum / lossCount, rate, lastRate,
                        trainSeconds + clock.Elapsed.TotalSeconds);
                    lossSum = 0; lossCount = 0; tokens = 0;
                    bool reached = record.ExactMatch >= Options.TargetExactMatch;
                    window.Restart();
                    if (reached || Stop())
                    {
                        if (BatchInEpoch == perEpoch) { Epoch++; BatchInEpoch = 0; }
                        return History;
                    }
                }
            }
        }
        // The loop has moved Epoch past the last epoch it trained; the steps since the last evaluation belong to it.
        if (lossCount > 0)
            Record(valid, lossSum / lossCount, tokens / Math.Max(1e-9, window.Elapsed.TotalSeconds), lastRate,
                trainSeconds + clock.Elapsed.TotalSeconds, Epoch - 1);
        return History;

        TrainingRecord Record(IReadOnlyList<EncodedPair> v, double trainLoss, double tps, double lr, double seconds,
            int? epoch = null)
        {
            clock.Stop();
            var eval = Evaluate(Model, v, Options.BatchSize, Options.MaxDecodeLength, Options.ValidationLimit);
            var record = new TrainingRecord(Optimizer.StepCount, epoch ?? Epoch, trainLoss, eval.Loss,
                eval.TokenAccuracy,
                eval.ExactMatch, tps, lr, seconds);
            History.Add(record);
            OnProgress?.Invoke(new TrainingProgress(Optimizer.StepCount, total, Epoch, trainLoss, tps, record));
            clock.Start();
            return record;
        }
    }

    /// <summary>
    /// Loss and token accuracy with teacher forcing over all of <paramref name="pairs"/>, and exact match
    /// of greedy decoding over the first <paramref name="limit"/> (0 = all). The model is put in evaluation mode.
    /// </summary>
    public static Evaluation Evaluate(Seq2SeqModel model, IReadOnlyList<EncodedPair> pairs, int batchSize = 64,
        int maxDecodeLength = 40, int limit = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) return new Evaluation(0, 0, 0, 0);
        model.Eval();
        using var noGrad = Tensor.NoGrad();
        double lossSum = 0;
        int tokenCount = 0, correct = 0;
        foreach (var batch in Seq2SeqBatch.InOrder(pairs, batchSize))
        {
            var logits = model.Logits(batch);
            var targets = batch.DecoderTarget.FlatIds();
            int n = batch.DecoderTarget.TokenCount;
            lossSum += logits.CrossEntropy(targets, ignoreIndex: Vocabulary.Pad).Item() * n;
            tokenCount += n;
            for (int r = 0; r < targets.Length; r++)
            {
                if (targets[r] == Vocabulary.Pad) continue;
                if (logits.Data.Row(r).MaximumIndex() == targets[r]) correct++;
            }
        }
        var subset = limit > 0 && limit < pairs.Count ? pairs.Take(limit).ToList() : pairs;
        int exact = 0;
        foreach (var batch in Seq2SeqBatch.InOrder(subset, batchSize))
        {
            var decoded = Decoding.Greedy(model, batch.Source, maxDecodeLength);
            for (int i = 0; i < decoded.Count; i++)
            {
                if (decoded[i].Tokens.AsSpan().SequenceEqual(subset[batch.Indices[i]].Target)) exact++;
            }
        }
        model.Train();
        return new Evaluation(lossSum / tokenCount, (double)correct / tokenCount, (double)exact / subset.Count,
            subset.Count);
    }
}
