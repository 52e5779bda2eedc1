namespace TransformerCourse.Text;

/// <summary>
/// GPT-2's printable stand-in for each of the 256 byte values (<c>bytes_to_unicode</c> in GPT-2's encoder.py):
/// the printable bytes 33–126, 161–172 and 174–255 stand for themselves; the other 68 (controls, space, 127–160,
/// 173) become U+0100, U+0101, … in byte order. So a space is "Ġ" (U+0120) and a newline "Ċ" (U+010A), and every
/// token of a byte-level vocabulary is a readable string.
/// </summary>
public static class ByteAlphabet
{
    private static readonly char[] ByteToChar = Build();
    private static readonly Dictionary<char, byte> CharToByte =
        Enumerable.Range(0, 256).ToDictionary(b => ByteToChar[b], b => (byte)b);

    private static char[] Build()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            map[b] = (char)(printable ? b : next++);
        }
        return map;
    }

    /// <summary>The character standing for byte <paramref name="b"/>.</summary>
    public static char Char(byte b) => ByteToChar[b];

    /// <summary>The characters standing for some bytes: "Ġhello" for the UTF-8 of " hello".</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>The bytes that a string of stand-in characters stands for.</summary>
    public static byte[] Decode(string symbols)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var bytes = new byte[symbols.Length];
        for (int i = 0; i < symbols.Length; i++)
        {
            bytes[i] = CharToByte.TryGetValue(symbols[i], out byte b) ? b
                : throw new ArgumentException($"ByteAlphabet.Decode: '{symbols[i]}' (U+{(int)symbols[i]:X4}) at " +
                    $"position {i} stands for no byte.");
        }
        return bytes;
    }
}
