using System.Diagnostics;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Generation;
using TransformerCourse.Optim;
using TransformerCourse.Recipes.KoEn;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Training;
using TransformerCourse.Transformer;

namespace TransformerCourse.Recipes;

/// <summary>
/// One of the course's training runs, ready to go: the data (encoded), a model, an optimiser and the options that reach
/// the headline results on a laptop CPU. <c>course train &lt;task&gt; --model &lt;kind&gt;</c> and the notebooks both
/// use it.
/// </summary>
public sealed class Experiment
{
    /// <summary>The tasks: copy, reverse, sort (synthetic digit strings), dates (human-readable → ISO), ko-en
    /// (Korean → English).</summary>
    public static readonly string[] Tasks = ["copy", "reverse", "sort", "dates", "ko-en"];

    /// <summary>The model kinds: gru (no attention), bahdanau, luong-dot,
    /// luong-general, luong-concat, transformer.</summary>
    public static readonly string[] ModelKinds = ["gru", "bahdanau", "luong-dot", "luong-general", "luong-concat",
        "transformer"];

    private Experiment(string task, string modelKind, PairEncoder encoder, DatasetSplits text, Seq2SeqModel model,
        Optimizer optimizer, TrainingOptions options)
    {
        Task = task;
        ModelKind = modelKind;
        Encoder = encoder;
        Text = text;
        Train = encoder.EncodeAll(text.Train);
        Valid = encoder.EncodeAll(text.Valid);
        Test = encoder.EncodeAll(text.Test);
        Model = model;
        Optimizer = optimizer;
        Options = options;
        Trainer = new Trainer(model, optimizer, options);
    }

    /// <summary>The task name.</summary>
    public string Task { get; }

    /// <summary>The model kind.</summary>
    public string ModelKind { get; }

    /// <summary>Tokenisers and vocabularies of both sides.</summary>
    public PairEncoder Encoder { get; }

    /// <summary>The text of the splits.</summary>
    public DatasetSplits Text { get; }

    /// <summary>Encoded training pairs.</summary>
    public IReadOnlyList<EncodedPair> Train { get; }

    /// <summary>Encoded validation pairs.</summary>
    public IReadOnlyList<EncodedPair> Valid { get; }

    /// <summary>Encoded test pairs.</summary>
    public IReadOnlyList<EncodedPair> Test { get; }

    /// <summary>The model.</summary>
    public Seq2SeqModel Model { get; }

    /// <summary>The optimiser.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The training options.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The trainer (its <see cref="Trainer.OnProgress"/> can be set before <see cref="Run"/>).</summary>
    public Trainer Trainer { get; }

    /// <summary>
    /// Sets up <paramref name="task"/> with a model of <paramref name="modelKind"/>. <paramref name="scale"/>
    /// &lt; 1 shortens training (tests use it to check that learning happens in seconds).
    /// </summary>
    /// <param name="task">One of <see cref="Tasks"/>.</param>
    /// <param name="modelKind">One of <see cref="ModelKinds"/>.</param>
    /// <param name="seed">Seed of the initial weights and of the batch order.</param>
    /// <param name="scale">Below 1: train for this fraction of the standard number of steps, evaluating only at the end
    /// of an epoch and at the last step (unless <paramref name="evalEvery"/> says otherwise).</param>
    /// <param name="sizes">Optional, recurrent models only (not <c>transformer</c>): changes the standard sizes, e.g.
    /// <c>s =&gt; s with { EncoderHidden = 8, DecoderHidden = 16, Attention = 16 }</c>. It receives the sizes the model
    /// kind would use (for <c>gru</c>, the one-way encoder already doubled) and returns the sizes to build.
    /// The dot score
    /// needs <c>DecoderHidden</c> = the encoder state size (2·<c>EncoderHidden</c> when bidirectional).</param>
    /// <param name="evalEvery">Optional: evaluate on the validation set every this many steps (overrides the
    /// standard choice, also for a scaled run), for a finer validation curve.</param>
    public static Experiment Create(string task, string modelKind, int seed = 1, double scale = 1.0,
        Func<Seq2SeqSizes, Seq2SeqSizes>? sizes = null, int? evalEvery = null)
    {
        if (sizes is not null && modelKind == "transformer")
            throw new ArgumentException("Experiment: a sizes override applies to the recurrent models, not to " +
                "'transformer'.", nameof(sizes));
        if (evalEvery is < 0)
            throw new ArgumentOutOfRangeException(nameof(evalEvery), evalEvery, "Experiment: evalEvery must be ≥ 0.");
        if (!Tasks.Contains(task))
            throw new ArgumentException($"Experiment: unknown task '{task}'; choose one " +
                $"of {string.Join(", ", Tasks)}.");
        if (!ModelKinds.Contains(modelKind))
            throw new ArgumentException($"Experiment: unknown model '{modelKind}'; choose one " +
                $"of {string.Join(", ", ModelKinds)}.");
        if (!(scale > 0))
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "Experiment: scale must be positive.");

        DatasetSplits text = task switch
        {
            "dates" => DatesDataset.Create(),
            "ko-en" => KoEnDataset.Create(),
            "copy" => TokenTasks.Splits(TokenTask.Copy, 20_000, 500, 1_000, 1, 10, seed: 7),
            "reverse" => TokenTasks.Splits(TokenTask.Reverse, 20_000, 500, 1_000, 1, 10, seed: 7),
            _ => TokenTasks.Splits(TokenTask.Sort, 20_000, 500, 1_000, 1, 10, seed: 7),
        };
        ITokenizer tokenizer = task == "ko-en" ? WordTokenizer.Instance : CharTokenizer.Instance;
        var encoder = PairEncoder.Build(text.Train, tokenizer, tokenizer);
        int sv = encoder.SourceVocabulary.Count, tv = encoder.TargetVocabulary.Count;
        var rng = new Rng((ulong)seed);

        Seq2SeqModel model;
        Optimizer optimizer;
        TrainingOptions options;
        if (modelKind == "transformer")
        {
            (model, optimizer, options) = TransformerSetup(task, sv, tv, text.Train.Count, seed, rng);
        }
        else
        {
            var standard = task == "ko-en"
                ? new Seq2SeqSizes(sv, tv, Embed: 32, EncoderHidden: 64, DecoderHidden: 128, Attention: 64)
                : new Seq2SeqSizes(sv, tv, Embed: 16, EncoderHidden: 32, DecoderHidden: 64, Attention: 32);
            // The baseline without attention is the classic one: a one-way encoder whose last state is
            // the whole context.
            if (modelKind == "gru")
                standard = standard with { EncoderHidden = 2 * standard.EncoderHidden, Bidirectional = false };
            var chosen = sizes is null ? standard : sizes(standard) with { SourceVocab = sv, TargetVocab = tv };
            model = modelKind switch
            {
                "gru" => new GruSeq2Seq(chosen, rng),
                "bahdanau" => new BahdanauSeq2Seq(chosen, rng),
                "luong-dot" => new LuongSeq2Seq(chosen, LuongScore.Dot, rng),
                "luong-general" => new LuongSeq2Seq(chosen, LuongScore.General, rng),
                _ => new LuongSeq2Seq(chosen, LuongScore.Concat, rng),
            };
            optimizer = new Adam(model.Parameters(), learningRate: 3e-3);
            options = new TrainingOptions
            {
                BatchSize = 64,
                Epochs = task == "dates" ? 3 : 10,
                EvalEvery = 250,
                ValidationLimit = 500,
                ClipNorm = 1.0,
                Schedule = new WarmupCosineSchedule(3e-3, 100, task == "dates" ? 940 : 3200, 1e-4),
                TargetExactMatch = 1.0,
                Seed = seed,
            };
        }
        if (scale < 1.0)
        {
            int steps = Math.Max(10, (int)Math.Round(scale * (options.MaxSteps
                ?? options.Epochs * Math.Ceiling(text.Train.Count / (double)options.BatchSize))));
            options = options with { MaxSteps = steps, EvalEvery = 0, ValidationLimit = 200 };
        }
        if (evalEvery is int every) options = options with { EvalEvery = every };
        return new Experiment(task, modelKind, encoder, text, model, optimizer, options);
    }

    /// <summary>
    /// A small Transformer for a task (dropout 0: these data sets are large enough for the model, and the
    /// runs are short),
    /// Adam with the paper's β₂ = 0.98 and ε = 1e-9, a warm-up then cosine learning rate, label smoothing 0.1.
    /// </summary>
    private static (Seq2SeqModel, Optimizer, TrainingOptions) TransformerSetup(string task, int sv, int tv,
        int trainCount, int seed, Rng rng)
    {
        bool koEn = task == "ko-en";
        var config = new TransformerConfig
        {
            DModel = koEn ? 64 : 32,
            Heads = koEn ? 4 : 2,
            DFF = koEn ? 128 : 64,
            EncoderLayers = 2,
            DecoderLayers = 2,
            Dropout = 0.0,
            NormFirst = true,
            MaxLength = 64,
        };
        var model = new Seq2SeqTransformer(sv, tv, config, rng);
        int epochs = koEn ? 12 : task == "dates" ? 3 : 2;
        int batchSize = koEn ? 32 : 64;
        int perEpoch = (trainCount + batchSize - 1) / batchSize;
        var optimizer = new Adam(model.Parameters(), 1e-3, 0.9, 0.98, 1e-9);
        var options = new TrainingOptions
        {
            BatchSize = batchSize,
            Epochs = epochs,
            EvalEvery = koEn ? 250 : 100,
            ValidationLimit = 500,
            ClipNorm = 1.0,
            LabelSmoothing = 0.1,
            Schedule = new WarmupCosineSchedule(koEn ? 2e-3 : 5e-3, 100, koEn ? epochs * perEpoch : 600, 1e-5),
            TargetExactMatch = 1.0,
            Seed = seed,
        };
        return (model, optimizer, options);
    }

    /// <summary>Trains, then evaluates greedy decoding on every test example.</summary>
    public ExperimentResult Run()
    {
        var clock = Stopwatch.StartNew();
        var history = Trainer.Fit(Train, Valid);
        double seconds = history.Count > 0 ? history[^1].Seconds : clock.Elapsed.TotalSeconds;
        var test = Trainer.Evaluate(Model, Test, 100, Options.MaxDecodeLength);
        return new ExperimentResult(Task, ModelKind, test, history, seconds, Optimizer.StepCount, Model.ParameterCount);
    }

    /// <summary>Greedy translation of one source text.</summary>
    public (string Output, Decoded Decoded) Translate(string source)
    {
        var ids = Encoder.SourceVocabulary.Encode(Encoder.SourceTokenizer.Tokenize(source));
        var decoded = Decoding.Greedy(Model, Batch.Pad([ids]), Options.MaxDecodeLength)[0];
        Model.Train();
        return (Encoder.DecodeTarget(decoded.Tokens), decoded);
    }

    /// <summary>Exact match of greedy decoding grouped by source length (in tokens): (length, accuracy, count) for each
    /// length present.</summary>
    public IReadOnlyList<(int Length, double Accuracy, int Count)> AccuracyByLength(IReadOnlyList<EncodedPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var right = new Dictionary<int, (int Ok, int All)>();
        foreach (var batch in Seq2SeqBatch.InOrder(pairs, 100))
        {
            var decoded = Decoding.Greedy(Model, batch.Source, Options.MaxDecodeLength);
            for (int i = 0; i < decoded.Count; i++)
            {
                var pair = pairs[batch.Indices[i]];
                int len = pair.Source.Length;
                var (ok, all) = right.GetValueOrDefault(len);
                right[len] = (ok + (decoded[i].Tokens.AsSpan().SequenceEqual(pair.Target) ? 1 : 0), all + 1);
            }
        }
        Model.Train();
        return right.OrderBy(kv => kv.Key).Select(kv => (kv.Key, (double)kv.Value.Ok / kv.Value.All, kv.Value.All))
            .ToList();
    }
}
