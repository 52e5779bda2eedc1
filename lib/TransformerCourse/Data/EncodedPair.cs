namespace TransformerCourse.Data;

/// <summary>
/// A <see cref="TextPair"/> as token ids: <paramref name="Source"/> and <paramref name="Target"/> hold the ids of
/// the text's tokens only, with no <c>&lt;bos&gt;</c>/<c>&lt;eos&gt;</c> (batching adds those,
/// see <see cref="TeacherForcing"/>).
/// </summary>
/// <param name="Source">Source token ids, length = number of source tokens.</param>
/// <param name="Target">Target token ids, length = number of target tokens.</param>
public sealed record EncodedPair(int[] Source, int[] Target);
