using TransformerCourse.Data;

namespace TransformerCourse.Tests.Data;

public class TokenTasksTests
{
    [Theory]
    [InlineData(TokenTask.Copy, "3141592", "3141592")]
    [InlineData(TokenTask.Reverse, "3141592", "2951413")]
    [InlineData(TokenTask.Sort, "3141592", "1123459")]
    public void ApplyHandCheckedCases(TokenTask task, string source, string target) =>
        Assert.Equal(target, TokenTasks.Apply(task, source));

    [Fact]
    public void GenerateIsDeterministicAndRespectsLengthsAndSymbols()
    {
        var a = TokenTasks.Generate(TokenTask.Sort, 500, 3, 8, seed: 42);
        Assert.Equal(a, TokenTasks.Generate(TokenTask.Sort, 500, 3, 8, seed: 42));
        Assert.NotEqual(a, TokenTasks.Generate(TokenTask.Sort, 500, 3, 8, seed: 43));
        Assert.All(a, p => Assert.InRange(p.Source.Length, 3, 8));
        Assert.Equal(Enumerable.Range(3, 6), a.Select(p => p.Source.Length).Distinct().Order());
        Assert.All(a, p => Assert.Equal(new string([.. p.Source.Order()]), p.Target));
        Assert.All(a, p => Assert.All(p.Source, c => Assert.Contains(c, TokenTasks.Digits)));
    }

    [Fact]
    public void SplitsAreDisjoint()
    {
        var s = TokenTasks.Splits(TokenTask.Copy, 2000, 200, 200, 2, 4, seed: 1, symbols: "abcdefgh");
        Assert.Equal((2000, 200, 200), (s.Train.Count, s.Valid.Count, s.Test.Count));
        var train = s.Train.Select(p => p.Source).ToHashSet();
        Assert.Equal(2000, train.Count);
        Assert.DoesNotContain(s.Test, p => train.Contains(p.Source));
        Assert.DoesNotContain(s.Valid, p => train.Contains(p.Source));
        Assert.Empty(s.Valid.Select(p => p.Source).Intersect(s.Test.Select(p => p.Source)));
    }

    [Fact]
    public void SplitsRefuseImpossibleRequests() =>
        // 10 + 100 sequences exist
        Assert.Throws<ArgumentException>(() => TokenTasks.Splits(TokenTask.Copy, 100, 10, 10, 1, 2, seed: 1));

    [Fact]
    public void VocabularyIsSpecialsThenSymbols()
    {
        var vocab = TokenTasks.Vocabulary();
        Assert.Equal(14, vocab.Count);
        Assert.Equal(4, vocab["0"]);
        Assert.Equal(13, vocab["9"]);
    }
}
