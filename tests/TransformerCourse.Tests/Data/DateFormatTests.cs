using TransformerCourse.Data;

namespace TransformerCourse.Tests.Data;

/// <summary>How the dates data set writes a date: ISO targets, English ordinals, every format's rendering.</summary>
public class DateFormatTests
{
    [Theory]
    [InlineData(1, "1st")]
    [InlineData(2, "2nd")]
    [InlineData(3, "3rd")]
    [InlineData(4, "4th")]
    [InlineData(11, "11th")]
    [InlineData(12, "12th")]
    [InlineData(13, "13th")]
    [InlineData(21, "21st")]
    [InlineData(22, "22nd")]
    [InlineData(23, "23rd")]
    [InlineData(31, "31st")]
    public void Ordinal(int day, string expected) => Assert.Equal(expected, DateFormat.Ordinal(day));

    [Fact]
    public void IsoIsZeroPaddedAndEveryFormatWritesTheDate()
    {
        var date = new DateOnly(1994, 3, 5);
        Assert.Equal("1994-03-05", DateFormat.Iso(date));
        Assert.Equal(12, DateFormat.Months.Count);
        Assert.Equal("Saturday", DateFormat.Weekdays[(int)date.DayOfWeek]);     // 5 March 1994 was a Saturday
        Assert.Equal(DateFormat.All.Count, DateFormat.All.Select(f => f.Name).Distinct().Count());
        Assert.All(DateFormat.All, f => Assert.False(string.IsNullOrWhiteSpace(f.Render(date)), f.Name));
        Assert.Contains(DateFormat.All, f => f.Render(date).Contains("5", StringComparison.Ordinal));
    }
}
