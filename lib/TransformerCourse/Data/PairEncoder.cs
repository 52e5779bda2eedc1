namespace TransformerCourse.Data;

/// <summary>
/// Turns text pairs into id pairs and ids back into text: a tokeniser and a <see cref="Vocabulary"/> for each side.
/// For dates: <see cref="CharTokenizer"/> on both sides; for ko→en: <see cref="WordTokenizer"/> on both sides.
/// </summary>
/// <param name="SourceTokenizer">Cuts source texts.</param>
/// <param name="SourceVocabulary">Maps source tokens to ids.</param>
/// <param name="TargetTokenizer">Cuts target texts.</param>
/// <param name="TargetVocabulary">Maps target tokens to ids.</param>
public sealed record PairEncoder(ITokenizer SourceTokenizer, Vocabulary SourceVocabulary, ITokenizer TargetTokenizer,
    Vocabulary TargetVocabulary)
{
    /// <summary>
    /// Builds both vocabularies from <paramref name="pairs"/> (normally the training split only, so that held-out
    /// text cannot leak into the vocabulary), keeping tokens seen at least <paramref name="minCount"/> times.
    /// </summary>
    public static PairEncoder Build(IEnumerable<TextPair> pairs, ITokenizer sourceTokenizer, ITokenizer targetTokenizer,
        int minCount = 1)
    {
        var list = pairs as IReadOnlyList<TextPair> ?? pairs.ToList();
        return new PairEncoder(
            sourceTokenizer, Vocabulary.Build(list.Select(p => p.Source), sourceTokenizer, minCount),
            targetTokenizer, Vocabulary.Build(list.Select(p => p.Target), targetTokenizer, minCount));
    }

    /// <summary>The ids of one pair (no special tokens).</summary>
    public EncodedPair Encode(TextPair pair) =>
        new(SourceVocabulary.Encode(SourceTokenizer.Tokenize(pair.Source)),
            TargetVocabulary.Encode(TargetTokenizer.Tokenize(pair.Target)));

    /// <summary>The ids of every pair, in order.</summary>
    public IReadOnlyList<EncodedPair> EncodeAll(IEnumerable<TextPair> pairs) => pairs.Select(Encode).ToList();

    /// <summary>The source text of <paramref name="ids"/> (see <see cref="Vocabulary.Decode"/>
    /// for special tokens).</summary>
    public string DecodeSource(IEnumerable<int> ids) => SourceTokenizer.Detokenize(SourceVocabulary.Decode(ids));

    /// <summary>The target text of <paramref name="ids"/>, e.g. a decoder's output; reading stops at
    /// <c>&lt;eos&gt;</c>.</summary>
    public string DecodeTarget(IEnumerable<int> ids) => TargetTokenizer.Detokenize(TargetVocabulary.Decode(ids));
}
