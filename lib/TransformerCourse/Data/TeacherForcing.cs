namespace TransformerCourse.Data;

/// <summary>
/// Teacher forcing: while training, the decoder reads the true previous token instead of its own guess.
/// For a target y₁…y_n the decoder input is <c>&lt;bos&gt; y₁ … y_n</c> and the decoder target is
/// <c>y₁ … y_n &lt;eos&gt;</c>: both have n+1 tokens, and at step t the decoder sees input t and must predict target t,
/// the next token. (y here is the target without special tokens, e.g. <see cref="EncodedPair.Target"/>.)
/// </summary>
public static class TeacherForcing
{
    /// <summary>The decoder input <c>&lt;bos&gt; y₁ … y_n</c> (n+1 ids).</summary>
    public static int[] DecoderInput(IReadOnlyList<int> target) => [Vocabulary.Bos, .. target];

    /// <summary>The decoder target <c>y₁ … y_n &lt;eos&gt;</c> (n+1 ids), the decoder input shifted
    /// left by one.</summary>
    public static int[] DecoderTarget(IReadOnlyList<int> target) => [.. target, Vocabulary.Eos];
}
