using TransformerCourse.Tests.Support;
using TransformerCourse.Text;

namespace TransformerCourse.Tests.Text;

/// <summary>GPT-2's byte stand-ins, checked against the characters GPT-2's vocabulary shows.</summary>
public class ByteAlphabetTests
{
    [Fact]
    public void PrintableBytesStandForThemselvesAndTheRestAreShifted()
    {
        // Bytes 0–32 come first among the shifted ones: 0 → U+0100, space (32) → U+0120 'Ġ', newline (10) → 'Ċ'.
        Assert.Equal('\u0100', ByteAlphabet.Char(0));
        Assert.Equal('Ġ', ByteAlphabet.Char((byte)' '));
        Assert.Equal('Ċ', ByteAlphabet.Char((byte)'\n'));
        Assert.Equal('A', ByteAlphabet.Char((byte)'A'));
        Assert.Equal('~', ByteAlphabet.Char(126));
        // 127–160 follow (33 + 0…33 → U+0121…U+0142), then 173 (soft hyphen) last: U+0143 'Ń'.
        Assert.Equal('\u0121', ByteAlphabet.Char(127));
        Assert.Equal('\u0142', ByteAlphabet.Char(160));
        Assert.Equal('\u0143', ByteAlphabet.Char(173));
        Assert.Equal('¡', ByteAlphabet.Char(161));
    }

    [Fact]
    public void EveryByteRoundTrips()
    {
        var all = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var text = ByteAlphabet.Encode(all);
        Assert.Equal(256, text.Distinct().Count());
        Assert.Equal(all, ByteAlphabet.Decode(text));
        Assert.Equal("ĠhÃ©", ByteAlphabet.Encode(System.Text.Encoding.UTF8.GetBytes(" hé")));  // é = C3 A9
        Expect.ThrowsArgument(() => ByteAlphabet.Decode("aĠ\u0200"), "U+0200", "position 2");
    }
}
