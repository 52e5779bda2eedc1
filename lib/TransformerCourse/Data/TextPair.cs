namespace TransformerCourse.Data;

/// <summary>
/// One example of a sequence-to-sequence task: a source text and the target text a model should produce,
/// e.g. ("monday 21 march 1994", "1994-03-21") or ("나는 학생입니다", "I am a student").
/// On disk it is one TSV line: <c>source&lt;TAB&gt;target</c>.
/// </summary>
/// <param name="Source">The input text (no tab, no line break).</param>
/// <param name="Target">The output text (no tab, no line break).</param>
public sealed record TextPair(string Source, string Target)
{
    /// <summary>The pair as one TSV line (without the line break): <c>Source + '\t' + Target</c>.</summary>
    public override string ToString() => Source + "\t" + Target;
}
