using System.Text;

namespace TransformerCourse.Data;

/// <summary>
/// Reads and writes parallel data as TSV: one pair per line, <c>source&lt;TAB&gt;target</c>, UTF-8 without BOM,
/// '\n' line ends, no header, no quoting. Both fields must be non-empty and contain no tab.
/// A malformed line is rejected with an <see cref="ArgumentException"/> whose message names the file and the
/// 1-based line number, e.g. "datasets/dates/test.tsv line 17: expected 2 tab-separated fields, found 1".
/// </summary>
public static class TsvFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false,
        throwOnInvalidBytes: true);

    /// <summary>
    /// Reads every pair of the TSV file at <paramref name="path"/> (the path is used as written in error messages).
    /// A UTF-8 BOM is skipped; bytes that are not UTF-8 are rejected naming their line.
    /// </summary>
    public static IReadOnlyList<TextPair> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"TsvFile.Read: {path} does not exist", path);
        byte[] bytes = File.ReadAllBytes(path);
        int start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;  // skip a UTF-8 BOM
        string text;
        try
        {
            text = Utf8NoBom.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException)
        {
            throw new ArgumentException($"{path} line {FirstBadLine(bytes, start)}: the text is not valid UTF-8");
        }
        return Parse(new StringReader(text), path);
    }

    private static int FirstBadLine(byte[] bytes, int start)
    {
        int line = 1;
        for (int i = start; i <= bytes.Length; i++)
        {
            if (i < bytes.Length && bytes[i] != (byte)'\n') continue;
            try { Utf8NoBom.GetString(bytes, start, i - start); }
            catch (DecoderFallbackException) { return line; }
            line++;
            start = i + 1;
        }
        return line;
    }

    /// <summary>
    /// Parses TSV text from <paramref name="reader"/>; <paramref name="name"/> stands for the file in error messages.
    /// A final line break is optional; every other line, blank ones included, must hold exactly one pair.
    /// </summary>
    public static IReadOnlyList<TextPair> Parse(TextReader reader, string name)
    {
        var pairs = new List<TextPair>();
        int lineNumber = 0;
        for (string? line = reader.ReadLine(); line != null; line = reader.ReadLine())
        {
            lineNumber++;
            string[] fields = line.Split('\t');
            string where = $"{name} line {lineNumber}";
            if (fields.Length != 2)
                throw new ArgumentException(line.Length == 0
                    ? $"{where}: expected 2 tab-separated fields, found an empty line"
                    : $"{where}: expected 2 tab-separated fields, found {fields.Length}");
            if (fields[0].Length == 0) throw new ArgumentException($"{where}: the source field (1) is empty");
            if (fields[1].Length == 0) throw new ArgumentException($"{where}: the target field (2) is empty");
            pairs.Add(new TextPair(fields[0], fields[1]));
        }
        return pairs;
    }

    /// <summary>The TSV text of <paramref name="pairs"/>: each pair, then '\n'. Throws if a field is empty or holds a
    /// tab or line break.</summary>
    public static string Format(IEnumerable<TextPair> pairs)
    {
        var text = new StringBuilder();
        int index = 0;
        foreach (var pair in pairs)
        {
            Check(pair.Source, index, "source");
            Check(pair.Target, index, "target");
            text.Append(pair.Source).Append('\t').Append(pair.Target).Append('\n');
            index++;
        }
        return text.ToString();
    }

    /// <summary>Writes <paramref name="pairs"/> to <paramref name="path"/> as <see cref="Format"/> does (UTF-8, no
    /// BOM), creating the folder.</summary>
    public static void Write(string path, IEnumerable<TextPair> pairs)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory != null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, Format(pairs), Utf8NoBom);
    }

    private static void Check(string field, int index, string which)
    {
        if (field.Length == 0 || field.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0)
            throw new ArgumentException($"TsvFile.Format: pair {index} has an empty {which} or one holding a tab or " +
                $"line break: '{field}'");
    }
}
