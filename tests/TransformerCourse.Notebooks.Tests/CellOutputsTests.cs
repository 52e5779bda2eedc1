using System.Text;
using System.Text.Json.Nodes;
using TransformerCourse.Runner.Scripting;

namespace TransformerCourse.Notebooks.Tests;

/// <summary>
/// Output grows linearly with its size: 20,000 short lines and 4 MB in 4 KB writes become one stream output each
/// (before, every write re-split the whole stream so far, and these sizes took minutes).
/// </summary>
public class CellOutputsTests
{
    private static string Text(JsonNode? lines) => string.Concat(((JsonArray)lines!).Select(l => (string?)l));

    [Fact]
    public void TwentyThousandLinesBecomeOneStreamOfTwentyThousandLines()
    {
        var outputs = new CellOutputs();
        for (var i = 0; i < 20_000; i++) outputs.Stream("stdout", $"line {i}\n");

        var json = outputs.ToJson();

        var stream = Assert.Single(json)!;
        var lines = (JsonArray)stream["text"]!;
        Assert.Equal(20_000, lines.Count);
        Assert.Equal("line 0\n", (string?)lines[0]);
        Assert.Equal("line 19999\n", (string?)lines[^1]);
    }

    [Fact]
    public void FourMegabytesInSmallWritesKeepEveryCharacterAndTheOrderOfStreams()
    {
        var outputs = new CellOutputs();
        var chunk = new string('x', 4095) + "\n";
        for (var i = 0; i < 1024; i++) outputs.Stream("stdout", chunk);
        outputs.Stream("stderr", "warning\n");
        outputs.Stream("stdout", "after");

        var json = outputs.ToJson();

        Assert.Equal(3, json.Count);
        Assert.Equal(4 * 1024 * 1024, Text(json[0]!["text"]).Length);
        Assert.Equal(("stderr", "warning\n"), ((string)json[1]!["name"]!, Text(json[1]!["text"])));
        Assert.Equal("after", Text(json[2]!["text"]));
        Assert.Equal(4 * 1024 * 1024 + "warning\nafter".Length, outputs.Text.Length);
        outputs.Stream("stdout", " more");                 // still the open stream after ToJson
        Assert.Equal("after more", Text(outputs.ToJson()[2]!["text"]));
    }
}
