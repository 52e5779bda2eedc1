using TransformerCourse.Recipes;

namespace TransformerCourse.Tests.Recipes;

/// <summary>What <c>course train</c> knows about each task, from the recipes rather than from the command.</summary>
public class CourseTasksTests
{
    [Fact]
    public void TheTasksAreTheExperimentsThenTheHeads()
    {
        Assert.Equal(["copy", "reverse", "sort", "dates", "ko-en", "ko-negation", "en-lm"], CourseTasks.Names);
        Assert.Equal(Experiment.Tasks, CourseTasks.All.Where(t => !t.IsHeads).Select(t => t.Name));
        Assert.Equal(["ko-negation", "en-lm"], CourseTasks.HeadsNames);
        Assert.Null(CourseTasks.Find("translate"));
    }

    [Fact]
    public void DefaultModelsAndReports()
    {
        Assert.Equal("bahdanau", CourseTasks.Find("dates")!.DefaultModel);
        Assert.All(["copy", "reverse", "sort", "ko-en"],
            t => Assert.Equal("transformer", CourseTasks.Find(t)!.DefaultModel));
        Assert.All(CourseTasks.All.Where(t => !t.IsHeads), t => Assert.Contains(t.DefaultModel, Experiment.ModelKinds));
        Assert.All(CourseTasks.All.Where(t => t.IsHeads), t => Assert.Null(t.DefaultModel));
        Assert.Equal(["dates"], CourseTasks.All.Where(t => t.ReportsByLength).Select(t => t.Name));
        Assert.Equal(2, CourseTasks.Find("ko-en")!.AttentionMaps);
        Assert.Contains("datasets/ko-en/train.tsv", CourseTasks.Find("ko-en")!.Data, StringComparison.Ordinal);
    }

    [Fact]
    public void SampleSourcesKoEnStartsWithTheSeedPairOthersWithTheTestSet()
    {
        var koEn = Experiment.Create("ko-en", "gru", scale: 0.01);
        var samples = CourseTasks.Find("ko-en")!.SampleSources(koEn);
        Assert.Equal(5, samples.Count);
        Assert.Equal("나는 학생입니다", samples[0]);
        Assert.Equal(koEn.Text.Test.Skip(1).Take(4).Select(p => p.Source), samples.Skip(1));

        var copy = Experiment.Create("copy", "gru", scale: 0.01);
        Assert.Equal(copy.Text.Test.Take(5).Select(p => p.Source), CourseTasks.Find("copy")!.SampleSources(copy));
    }
}
