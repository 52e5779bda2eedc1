using System.Diagnostics;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Optim;
using TransformerCourse.Recipes.KoEn;
using TransformerCourse.Training;
using TransformerCourse.Transformer;

namespace TransformerCourse.Recipes;

/// <summary>What a classifier run reports.</summary>
/// <param name="TestAccuracy">Fraction of test sentences classified right.</param>
/// <param name="MajorityBaseline">Test accuracy of always answering the class most common in training.</param>
/// <param name="Losses">Mean training loss per 50 steps.</param>
/// <param name="Steps">Optimiser steps.</param>
/// <param name="Seconds">Training time.</param>
public sealed record ClassifierResult(double TestAccuracy, double MajorityBaseline, IReadOnlyList<double> Losses,
    int Steps, double Seconds);

/// <summary>What a language-model run reports.</summary>
/// <param name="TestPerplexity">exp(mean cross-entropy per next token) on held-out sentences.</param>
/// <param name="UnigramPerplexity">The same for a model that ignores context (word frequencies from training).</param>
/// <param name="Samples">Sentences generated from &lt;bos&gt;.</param>
/// <param name="Losses">Mean training loss per 50 steps.</param>
/// <param name="Steps">Optimiser steps.</param>
/// <param name="Seconds">Training time.</param>
public sealed record LanguageModelResult(double TestPerplexity, double UnigramPerplexity, IReadOnlyList<string> Samples,
    IReadOnlyList<double> Losses, int Steps, double Seconds);

/// <summary>
/// The same Transformer blocks with other heads (curriculum notebook 12), on the ko→en corpus:
/// an encoder-only classifier (BERT-style: a first [CLS]-like token, pooled, dropout, linear) that tells
/// whether a Korean
/// sentence is negated, and a decoder-only language model (GPT-style: causal self-attention only) of the English side.
/// </summary>
public static class HeadsOnTop
{
    /// <summary>The label of a pair for the classifier: 1 when the sentence is negated (its English
    /// side says "not").</summary>
    public static int Negated(TextPair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        return pair.Target.Split(' ').Contains("not") ? 1 : 0;
    }

    /// <summary>
    /// Trains an <see cref="EncoderClassifier"/> (2 layers, d_model 32) to tell negated Korean sentences from
    /// affirmative ones.
    /// The input is &lt;bos&gt; followed by the Korean words; the &lt;bos&gt; position's output is the sentence vector.
    /// </summary>
    public static (EncoderClassifier Model, Vocabulary Vocabulary, ClassifierResult Result) TrainNegationClassifier(
        int steps = 300, int seed = 1)
    {
        var splits = KoEnDataset.Create();
        var vocab = Vocabulary.Build(splits.Train.Select(p => p.Source), WordTokenizer.Instance);
        var config = new TransformerConfig { DModel = 32, Heads = 2, DFF = 64, EncoderLayers = 2, Dropout = 0.1,
            NormFirst = true, MaxLength = 32 };
        var rng = new Rng((ulong)seed);
        var model = new EncoderClassifier(vocab.Count, 2, config, rng);
        var optimizer = new Adam(model.Parameters(), 1e-3, 0.9, 0.98, 1e-9);
        var schedule = new WarmupCosineSchedule(2e-3, 30, steps, 1e-5);
        var train = Encode(splits.Train, vocab);
        var labels = splits.Train.Select(Negated).ToArray();
        var (losses, seconds) = Fit(steps, train.Count, seed, optimizer, schedule, chosen =>
        {
            var (ids, batch) = SequenceBatch.Pad(chosen.Select(i => (IReadOnlyList<int>)train[i]).ToList(),
                Vocabulary.Pad);
            return model.Forward(ids, batch).CrossEntropy(chosen.Select(i => labels[i]).ToList());
        });
        var testLabels = splits.Test.Select(Negated).ToArray();
        double accuracy = Accuracy(model, Encode(splits.Test, vocab), testLabels);
        int commoner = labels.Average() >= 0.5 ? 1 : 0;                 // the commoner class in training
        double baseline = testLabels.Average(y => y == commoner ? 1.0 : 0.0);   // always answering it, on test
        return (model, vocab, new ClassifierResult(accuracy, baseline, losses, steps, seconds));
    }

    /// <summary>The fraction of <paramref name="sequences"/> the classifier labels right (evaluation
    /// mode, no gradients).</summary>
    public static double Accuracy(EncoderClassifier model, IReadOnlyList<int[]> sequences, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(labels);
        model.Eval();
        using var noGrad = Tensor.NoGrad();
        int right = 0;
        for (int start = 0; start < sequences.Count; start += 100)
        {
            var part = sequences.Skip(start).Take(100).Select(s => (IReadOnlyList<int>)s).ToList();
            var (ids, batch) = SequenceBatch.Pad(part, Vocabulary.Pad);
            var logits = model.Forward(ids, batch).Data;
            for (int b = 0; b < part.Count; b++)
                if (logits.Row(b).MaximumIndex() == labels[start + b]) right++;
        }
        model.Train();
        return (double)right / sequences.Count;
    }

    /// <summary>
    /// Trains a <see cref="DecoderOnlyLM"/> (2 layers, d_model 32, tied embedding and head) on the English sentences,
    /// each read as &lt;bos&gt; w₁ … wₙ &lt;eos&gt;; reports held-out perplexity against a unigram baseline and
    /// a few samples.
    /// </summary>
    public static (DecoderOnlyLM Model, Vocabulary Vocabulary, LanguageModelResult Result) TrainEnglishLanguageModel(
        int steps = 400, int seed = 1)
    {
        var splits = KoEnDataset.Create();
        var vocab = Vocabulary.Build(splits.Train.Select(p => p.Target), WordTokenizer.Instance);
        var config = new TransformerConfig { DModel = 32, Heads = 2, DFF = 64, DecoderLayers = 2, Dropout = 0.0,
            NormFirst = true, MaxLength = 32 };
        var rng = new Rng((ulong)seed);
        var model = new DecoderOnlyLM(vocab.Count, config, rng);
        var optimizer = new Adam(model.Parameters(), 1e-3, 0.9, 0.98, 1e-9);
        var schedule = new WarmupCosineSchedule(3e-3, 30, steps, 1e-5);
        var train = EncodeEnglish(splits.Train, vocab);
        var (losses, seconds) = Fit(steps, train.Count, seed, optimizer, schedule, chosen =>
        {
            var (ids, batch) = SequenceBatch.Pad(chosen.Select(i => (IReadOnlyList<int>)train[i]).ToList(),
                Vocabulary.Pad);
            return model.Loss(ids, batch, Vocabulary.Pad);
        });
        var test = EncodeEnglish(splits.Test, vocab);
        double perplexity = Perplexity(model, test);
        double unigram = UnigramPerplexity(train, test, vocab.Count);
        var samples = Enumerable.Range(0, 5)
            .Select(i => Sample(model, vocab, new Rng((ulong)(100 + i)), temperature: 0.8)).ToList();
        return (model, vocab, new LanguageModelResult(perplexity, unigram, samples, losses, steps, seconds));
    }

    /// <summary>exp(mean next-token cross-entropy) of the model over <paramref name="sequences"/> (each
    /// &lt;bos&gt; … &lt;eos&gt;).</summary>
    public static double Perplexity(DecoderOnlyLM model, IReadOnlyList<int[]> sequences)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sequences);
        model.Eval();
        using var noGrad = Tensor.NoGrad();
        double total = 0;
        int count = 0;
        for (int start = 0; start < sequences.Count; start += 100)
        {
            var part = sequences.Skip(start).Take(100).Select(s => (IReadOnlyList<int>)s).ToList();
            var (ids, batch) = SequenceBatch.Pad(part, Vocabulary.Pad);
            int n = part.Sum(s => s.Count - 1);
            total += model.Loss(ids, batch, Vocabulary.Pad).Item() * n;
            count += n;
        }
        model.Train();
        return Math.Exp(total / count);
    }

    /// <summary>A sentence drawn token by token from p(w | previous words)^(1/T), starting from
    /// &lt;bos&gt;, until &lt;eos&gt;.</summary>
    public static string Sample(DecoderOnlyLM model, Vocabulary vocab, Rng rng, double temperature = 1.0,
        int maxWords = 20)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocab);
        ArgumentNullException.ThrowIfNull(rng);
        model.Eval();
        using var noGrad = Tensor.NoGrad();
        var ids = new List<int> { Vocabulary.Bos };
        for (int i = 0; i < maxWords; i++)
        {
            var logits = model.Forward(ids, SequenceBatch.Single(ids.Count)).Data.Row(ids.Count - 1);
            var p = SoftmaxFunctions.Of(logits, temperature);
            double u = rng.NextDouble(), c = 0;
            int next = p.Count - 1;
            for (int k = 0; k < p.Count; k++)
            {
                c += p[k];
                if (u < c) { next = k; break; }
            }
            if (next == Vocabulary.Eos) break;
            ids.Add(next);
        }
        model.Train();
        return WordTokenizer.Instance.Detokenize(vocab.Decode(ids.Skip(1)));
    }

    /// <summary>
    /// The shared loop: batches of 32 examples in a seeded shuffled order, loss → backward → clip → Adam step with the
    /// schedule's learning rate; returns the mean loss of every 50 steps and the training time.
    /// </summary>
    private static (List<double> Losses, double Seconds) Fit(int steps, int count, int seed, Optimizer optimizer,
        ILearningRateSchedule schedule, Func<List<int>, Tensor> loss)
    {
        const int batchSize = 32;
        var order = new Rng((ulong)seed + 1);
        var indices = Enumerable.Range(0, count).ToArray();
        var losses = new List<double>();
        double window = 0;
        var clock = Stopwatch.StartNew();
        for (int step = 1; step <= steps; step++)
        {
            if ((step - 1) * batchSize % count < batchSize) order.Shuffle(indices);     // a new order for every pass
            var chosen = Enumerable.Range(0, batchSize).Select(k => indices[((step - 1) * batchSize + k) % count])
                .ToList();
            optimizer.LearningRate = schedule.At(step);
            optimizer.ZeroGrad();
            var value = loss(chosen);
            value.Backward();
            GradClip.ClipGradNorm(optimizer.Parameters, 1.0);
            optimizer.Step();
            window += value.Item();
            if (step % 50 == 0) { losses.Add(window / 50); window = 0; }
        }
        return (losses, clock.Elapsed.TotalSeconds);
    }

    private static List<int[]> Encode(IEnumerable<TextPair> pairs, Vocabulary vocab) =>
        pairs.Select(p => vocab.Encode(WordTokenizer.Instance.Tokenize(p.Source), addBos: true)).ToList();

    private static List<int[]> EncodeEnglish(IEnumerable<TextPair> pairs, Vocabulary vocab) =>
        pairs.Select(p => vocab.Encode(WordTokenizer.Instance.Tokenize(p.Target), addBos: true, addEos: true)).ToList();

    private static double UnigramPerplexity(IReadOnlyList<int[]> train, IReadOnlyList<int[]> test, int vocabSize)
    {
        var counts = new double[vocabSize];
        foreach (var s in train) foreach (var id in s.Skip(1)) counts[id]++;
        double total = counts.Sum() + vocabSize;           // add-one smoothing
        double nll = 0;
        int n = 0;
        foreach (var s in test)
            foreach (var id in s.Skip(1)) { nll -= Math.Log((counts[id] + 1) / total); n++; }
        return Math.Exp(nll / n);
    }
}
