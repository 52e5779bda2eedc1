namespace TransformerCourse.Tests.Fixtures;

/// <summary>The fixture loader itself: shapes, layout, special values.</summary>
public class TorchFixtureTests
{
    [Fact]
    [Trait("Reference", "PyTorch")]
    public void ShapesBecomeTheCourseLayout()
    {
        const string json = """
            {"name": "demo", "config": {"eps": 1e-5, "n": 3, "kind": "x", "flag": true},
             "tensors": {
               "output.loss": {"dtype": "float64", "shape": [], "data": [2.5]},
               "param.bias": {"dtype": "float64", "shape": [3], "data": [1, 2, 3]},
               "param.weight": {"dtype": "float64", "shape": [2, 3], "data": [1, 2, 3, 4, 5, 6]},
               "input.x": {"dtype": "float64", "shape": [2, 2, 2], "data": [1, 2, 3, 4, 5, 6, 7, 8]},
               "input.mask": {"dtype": "bool", "shape": [2], "data": [true, false]},
               "input.ids": {"dtype": "int64", "shape": [3], "data": [4, 0, 7]},
               "input.special": {"dtype": "float64", "shape": [3], "data": [-Infinity, NaN, Infinity]}}}
            """;
        var f = TorchFixture.Parse(json);
        Assert.Equal("demo", f.Name);
        Assert.Equal(new double[,] { { 2.5 } }, f.Matrix("output.loss").ToArray());
        Assert.Equal(2.5, f.Scalar("output.loss"));
        Assert.Equal(new double[,] { { 1, 2, 3 } }, f.Matrix("param.bias").ToArray());
        Assert.Equal(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }, f.Matrix("param.weight").ToArray());
        // (batch 2, time 2, features 2) → 4×2 with row b·T + t.
        Assert.Equal(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } }, f.Matrix("input.x").ToArray());
        Assert.Equal([2, 2, 2], f.Shape("input.x"));
        Assert.Equal([1.0, 2, 3, 4, 5, 6, 7, 8], f.Data("input.x"));
        Assert.Equal([1, 0], f.Ints("input.mask"));
        Assert.Equal([4, 0, 7], f.Ints("input.ids"));
        Assert.Equal([double.NegativeInfinity, double.NaN, double.PositiveInfinity], f.Data("input.special"));
        Assert.Equal(1e-5, f.ConfigDouble("eps"));
        Assert.Equal(3, f.ConfigInt("n"));
        Assert.Equal("x", f.ConfigString("kind"));
        Assert.True(f.ConfigBool("flag"));
        Assert.Equal(["bias", "weight"], f.Parameters().Keys.Order());
        Assert.True(f.Has("input.x"));
        Assert.False(f.Has("input.y"));
        Assert.Contains("input.y", Assert.Throws<KeyNotFoundException>(() => f.Matrix("input.y")).Message);
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void RejectsAShapeThatDoesNotFitTheData()
    {
        const string json = """{"tensors": {"a": {"shape": [2, 2], "data": [1, 2, 3]}}}""";
        Assert.Throws<InvalidDataException>(() => TorchFixture.Parse(json));
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void LoadsTheCommittedFixtures()
    {
        var f = TorchFixture.Load("softmax");
        Assert.Equal("softmax", f.Name);
        Assert.Equal("5×6", $"{f.Matrix("input.x").RowCount}×{f.Matrix("input.x").ColumnCount}");
        Assert.Throws<FileNotFoundException>(() => TorchFixture.Load("no_such_fixture"));
    }
}
