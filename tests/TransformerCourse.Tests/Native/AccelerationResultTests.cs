using TransformerCourse.Native;

namespace TransformerCourse.Tests.Native;

/// <summary>
/// <see cref="AccelerationResult"/> and <see cref="AccelerationOptions"/>: what they report and default to.
/// </summary>
public class AccelerationResultTests
{
    private static AccelerationResult Result(AccelerationKind kind) =>
        new(kind, "OpenBLAS", "/usr/lib/libopenblas.so.0", "provider", 4, ["a: not found"], "Native linear algebra: x");

    [Theory]
    [InlineData(AccelerationKind.Managed, false)]
    [InlineData(AccelerationKind.Cblas, true)]
    [InlineData(AccelerationKind.OfficialMkl, true)]
    public void OnlyManagedIsNotNative(AccelerationKind kind, bool native) =>
        Assert.Equal(native, Result(kind).IsNative);

    [Fact]
    public void ItPrintsAsItsMessage()
    {
        var result = Result(AccelerationKind.Cblas);
        Assert.Equal("Native linear algebra: x", result.ToString());
        Assert.Equal("Native linear algebra: x", $"{result}");
        Assert.Equal("managed", (result with { Message = "managed" }).ToString());
    }

    [Fact]
    public void ItKeepsWhatItWasGiven()
    {
        var result = Result(AccelerationKind.Cblas);
        Assert.Equal(("OpenBLAS", "/usr/lib/libopenblas.so.0", "provider", (int?)4), (result.Library, result.Path,
            result.ProviderName, result.Threads));
        Assert.Equal(["a: not found"], result.Tried);
        Assert.Equal(result, result with { });
        Assert.NotEqual(result, result with { Threads = null });
    }

    [Fact]
    public void OptionsDefaultToTheSearchAndTheEnvironmentVariable()
    {
        var options = new AccelerationOptions();
        Assert.False(options.PreferOfficialMkl);
        Assert.Null(options.Threads);
        Assert.Null(options.Candidates);
        Assert.Null(options.Override);
        Assert.Equal(new AccelerationOptions { Threads = 2 }, options with { Threads = 2 });
    }
}
