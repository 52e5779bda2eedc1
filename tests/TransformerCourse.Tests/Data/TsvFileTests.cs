using TransformerCourse.Data;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Data;

public class TsvFileTests
{
    [Fact]
    public void ReadGoodFileGivesThePairsHangulIncluded()
    {
        using var temp = new TempFolder();
        string path = temp.File("good.tsv", "나는 학생입니다\tI am a student\n21 mar 1994\t1994-03-21\n");
        var pairs = TsvFile.Read(path);
        Assert.Equal([new TextPair("나는 학생입니다", "I am a student"), new TextPair("21 mar 1994", "1994-03-21")], pairs);
    }

    [Fact]
    public void ReadSkipsAUtf8Bom()
    {
        using var temp = new TempFolder();
        string path = Path.Combine(temp.Path, "bom.tsv");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "학생\tstudent\n"u8]);
        Assert.Equal([new TextPair("학생", "student")], TsvFile.Read(path));
    }

    [Fact]
    public void ReadAcceptsCrLfAndAMissingFinalNewline()
    {
        using var temp = new TempFolder();
        var pairs = TsvFile.Read(temp.File("crlf.tsv", "a\tb\r\nc\td"));
        Assert.Equal([new TextPair("a", "b"), new TextPair("c", "d")], pairs);
    }

    [Theory]
    [InlineData("a\tb\nc d\n", 2, "expected 2 tab-separated fields, found 1")]
    [InlineData("a\tb\nc\td\ne\tf\tg\n", 3, "expected 2 tab-separated fields, found 3")]
    [InlineData("a\tb\n\nc\td\n", 2, "expected 2 tab-separated fields, found an empty line")]
    [InlineData("\tb\n", 1, "the source field (1) is empty")]
    [InlineData("a\tb\nc\t\n", 2, "the target field (2) is empty")]
    public void ReadMalformedLineNamesFileAndLine(string text, int line, string problem)
    {
        using var temp = new TempFolder();
        string path = temp.File("bad.tsv", text);
        var error = Assert.Throws<ArgumentException>(() => TsvFile.Read(path));
        Assert.Equal($"{path} line {line}: {problem}", error.Message);
    }

    [Fact]
    public void ReadInvalidUtf8NamesFileAndLine()
    {
        using var temp = new TempFolder();
        string path = Path.Combine(temp.Path, "latin1.tsv");
        // 0xE9 = 'é' in Latin-1
        File.WriteAllBytes(path, [.. "a\tb\n"u8, (byte)'c', 0xE9, (byte)'\t', (byte)'d', (byte)'\n']);
        var error = Assert.Throws<ArgumentException>(() => TsvFile.Read(path));
        Assert.Equal($"{path} line 2: the text is not valid UTF-8", error.Message);
    }

    [Fact]
    public void ParseUsesTheGivenNameInMessages()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            TsvFile.Parse(new StringReader(string.Concat(Enumerable.Repeat("x\ty\n", 16)) + "oops\n"),
                "datasets/dates/test.tsv"));
        Assert.Equal("datasets/dates/test.tsv line 17: expected 2 tab-separated fields, found 1", error.Message);
    }

    [Fact]
    public void ReadMissingFileSaysWhich()
    {
        var error = Assert.Throws<FileNotFoundException>(() => TsvFile.Read("no/such/file.tsv"));
        Assert.Contains("no/such/file.tsv", error.Message);
    }

    [Fact]
    public void WriteThenReadRoundTripsAndFormatIsExact()
    {
        using var temp = new TempFolder();
        TextPair[] pairs = [new("그녀는 의사가 아닙니다", "She is not a doctor"), new("9/5/18", "2018-05-09")];
        string path = Path.Combine(temp.Path, "sub", "out.tsv");
        TsvFile.Write(path, pairs);
        Assert.Equal(pairs, TsvFile.Read(path));
        byte[] bytes = File.ReadAllBytes(path);
        Assert.NotEqual(0xEF, bytes[0]);  // no BOM
        Assert.Equal("그녀는 의사가 아닙니다\tShe is not a doctor\n9/5/18\t2018-05-09\n", File.ReadAllText(path));
    }

    [Fact]
    public void FormatRejectsTabsAndEmptyFields()
    {
        Assert.Throws<ArgumentException>(() => TsvFile.Format([new TextPair("a\tb", "c")]));
        Assert.Throws<ArgumentException>(() => TsvFile.Format([new TextPair("a", "")]));
        Assert.Throws<ArgumentException>(() => TsvFile.Format([new TextPair("a", "b\nc")]));
    }

    [Fact]
    public void DatasetSplitsLoadNamesTheBadFile()
    {
        using var temp = new TempFolder();
        temp.File("train.tsv", "a\tb\n");
        temp.File("valid.tsv", "c\td\n");
        string test = temp.File("test.tsv", "e\tf\ng\n");
        var error = Assert.Throws<ArgumentException>(() => DatasetSplits.Load(temp.Path));
        Assert.Equal($"{test} line 2: expected 2 tab-separated fields, found 1", error.Message);
    }
}
