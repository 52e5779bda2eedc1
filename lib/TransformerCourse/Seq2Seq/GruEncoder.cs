using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Nn;

namespace TransformerCourse.Seq2Seq;

/// <summary>What the encoder returns for a batch of B sources padded to S tokens.</summary>
/// <param name="States">h_j for every source position, (B·S)×D, row b·S + j (zero on padding);
/// D = H·directions.</param>
/// <param name="Final">The last hidden state of each source, B×D (forward at its last token, backward
/// at its first).</param>
/// <param name="Lengths">The source lengths.</param>
/// <param name="Time">S.</param>
public sealed record Encoded(Tensor States, Tensor Final, int[] Lengths, int Time)
{
    /// <summary>B.</summary>
    public int Batch => Lengths.Length;

    /// <summary>The encoding of the given sources only (rows may repeat), for beam search.</summary>
    public Encoded Select(IReadOnlyList<int> sources)
    {
        var rows = new int[sources.Count * Time];
        for (int i = 0; i < sources.Count; i++)
            for (int j = 0; j < Time; j++)
                rows[i * Time + j] = sources[i] * Time + j;
        return new Encoded(States.GatherRows(rows), Final.GatherRows(sources),
            sources.Select(s => Lengths[s]).ToArray(), Time);
    }
}

/// <summary>
/// Embedding + GRU (optionally bidirectional) over the source: every source token gets a state h_j that has read the
/// tokens before it (and after it, with two directions).
/// </summary>
public sealed class GruEncoder : Module
{
    /// <summary>Creates the encoder.</summary>
    public GruEncoder(int vocabSize, int embedDim, int hiddenSize, Rng rng, bool bidirectional = true)
    {
        Embedding = RegisterModule("embedding", new Embedding(vocabSize, embedDim, rng, Vocabulary.Pad));
        Rnn = RegisterModule("rnn", new Gru(embedDim, hiddenSize, rng, bidirectional));
    }

    /// <summary>The source token embedding, V×E.</summary>
    public Embedding Embedding { get; }

    /// <summary>The recurrent layer.</summary>
    public Gru Rnn { get; }

    /// <summary>D = H·directions, the size of each state.</summary>
    public int OutputSize => Rnn.HiddenSize * Rnn.Directions;

    /// <summary>
    /// A hook for inspection, null by default: called on every forward pass with the embedded source, (B·S)×E with
    /// row b·S + j (token j of source b), before the GRU reads it. Keep the tensor; after a backward pass through a
    /// loss, its <see cref="Tensor.Grad"/> holds ∂loss/∂(the embedding of each source position), which shows how much
    /// each input position still influences the output.
    /// </summary>
    public Action<Tensor>? OnEmbedded { get; set; }

    /// <summary>Encodes a padded batch of sources.</summary>
    public Encoded Forward(Batch source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var x = Embedding.Forward(source.FlatIds());
        OnEmbedded?.Invoke(x);
        var lengths = source.Lengths.Select(l => Math.Max(l, 1)).ToArray();
        var output = Rnn.Forward(x, source.Size, lengths);
        return new Encoded(output.Outputs, output.Final, lengths, source.Time);
    }
}
