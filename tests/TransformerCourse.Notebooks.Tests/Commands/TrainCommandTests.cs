using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Spectre.Console;
using TransformerCourse.Cli;
using TransformerCourse.IO;

namespace TransformerCourse.Notebooks.Tests;

/// <summary>
/// <c>course train</c>: option checks, <c>--save</c>, Ctrl+C, <c>--resume</c> and what it prints. Most runs are in
/// process with a tiny <c>--scale</c> (seconds); Ctrl+C and piped output need the real command in a child process.
/// </summary>
public class TrainCommandTests
{
    // copy with the GRU model: the cheapest run; --scale 0.003 is the minimum of 10 steps.
    private static readonly string[] Tiny = ["train", "copy", "--model", "gru", "--scale", "0.003"];

    private static async Task<(int Exit, string Output)> Course(params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 250;
        var exit = await CourseApp.RunAsync(args, console);
        return (exit, writer.ToString());
    }

    /// <summary>The test line's metrics, without the training time: "test: exact match …, loss …".</summary>
    private static string TestMetrics(string output) =>
        Regex.Match(output, @"^test: [^;]*", RegexOptions.Multiline) is { Success: true } m ? m.Value
        : throw new Xunit.Sdk.XunitException("no test line in:\n" + output);

    [Theory]
    [InlineData("--scale", "-1", "--scale needs a number greater than 0 and at most 1")]
    [InlineData("--scale", "0", "--scale needs a number greater than 0 and at most 1")]
    [InlineData("--scale", "NaN", "--scale needs a number greater than 0 and at most 1")]
    [InlineData("--scale", "abc", "--scale needs a number greater than 0 and at most 1")]
    [InlineData("--seed", "abc", "--seed needs a whole number from 0 to 2147483647, got 'abc'")]
    [InlineData("--beam", "0", "--beam needs a whole number of at least 1 (the beam width), got '0'")]
    [InlineData("--stop-after", "0", "--stop-after needs a whole number of at least 1")]
    [InlineData("--out", "x", "unknown option --out; train takes --model, --seed, --scale, --beam, --save, --resume")]
    [InlineData("--bogus", null, "unknown option --bogus; train takes --model, --seed, --scale, --beam, --save, --")]
    [InlineData("--model", "rnn", "unknown model 'rnn'; the models are gru, bahdanau, luong-dot, luong-general")]
    public async Task BadOptionsAreRefusedBeforeTrainingNamingTheOption(
        string option, string? value, string message)
    {
        string[] args = value is null ? [.. Tiny, option] : [.. Tiny, option, value];
        var (exit, output) = await Course(args);

        Assert.Equal(2, exit);
        Assert.Contains(message, output);
        Assert.DoesNotContain("test:", output);             // refused before training
    }

    [Fact]
    public async Task AnUnknownTaskListsTheTasks()
    {
        var (exit, output) = await Course("train", "fly");

        Assert.Equal(2, exit);
        Assert.Contains("unknown task 'fly'; the tasks are copy, reverse, sort, dates, ko-en, ko-negation, en-lm",
            output);
    }

    [Fact]
    public async Task TheHeadsTasksRefuseOptionsTheyDoNotTake()
    {
        var (exit, output) = await Course("train", "ko-negation", "--scale", "0.5");

        Assert.Equal(2, exit);
        Assert.Contains("ko-negation takes only --seed", output);
    }

    [Fact]
    public async Task AScaleBelowTheMinimumSaysHowManyStepsRunAndWhyTheExitCodeIs1()
    {
        var (exit, output) = await Course([.. Tiny[..^1], "0.001"]);

        Assert.Contains("--scale 0.001 gives 3 of the full run's 3,130 steps; running the minimum, 10 steps", output);
        Assert.True(exit == 0 || exit == 1 && output.Contains("exit code is 1", StringComparison.Ordinal), output);
    }

    [Fact]
    public async Task SaveIntoAMissingFolderCreatesIt()
    {
        var dir = Path.Combine(TestPaths.TempDir(), "runs", "copy");
        var file = Path.Combine(dir, "gru.safetensors");
        var (_, output) = await Course([.. Tiny, "--save", file]);

        Assert.True(File.Exists(file), output);
        Assert.Contains($"created the folder {dir} for --save", output);
        Assert.Contains($"saved the model, optimiser state and position in the data to {file}", output);
        Assert.Equal("copy", SafeTensors.Read(file).Metadata["course.task"]);
    }

    [Fact]
    public async Task SaveOntoAFolderIsRefusedBeforeTraining()
    {
        var dir = TestPaths.TempDir();
        var (exit, output) = await Course([.. Tiny, "--save", dir]);

        Assert.Equal(2, exit);
        Assert.Contains($"--save {dir}: that is a folder; give a file name", output);
        Assert.DoesNotContain("test:", output);
    }

    [Fact]
    public async Task TheOutputLabelsTheLossesAndTheEvaluationAndSaysWhichDataItUses()
    {
        var (_, output) = await Course(Tiny);

        Assert.Matches(@"│ step\s*│ epoch\s*│ train loss \(epoch mean\)\s*│ valid loss\s*│", output);
        Assert.Contains("evaluating on 1,000 test examples", output);
        Assert.Contains("data: generated in memory", output);
        Assert.Contains("nothing is read from datasets/", output);
    }

    [Fact]
    public async Task ARunStoppedAndResumedEndsExactlyWhereTheUninterruptedRunEnds()
    {
        string[] run = ["train", "copy", "--model", "gru", "--scale", "0.02", "--seed", "3"];   // 63 steps
        var file = Path.Combine(TestPaths.TempDir(), "run.safetensors");

        var (straightExit, straight) = await Course(run);
        var (stopExit, stopped) = await Course([.. run, "--stop-after", "25", "--save", file]);
        Assert.Equal(0, stopExit);
        Assert.Contains("stopped at step 25 of 63", stopped);
        Assert.Contains($"course train --resume {file}", stopped);
        Assert.DoesNotContain("test:", stopped);

        var (resumedExit, resumed) = await Course("train", "--resume", file);
        Assert.Contains($"resuming copy with gru (seed 3, scale 0.02) from {file} at step 25 of 63", resumed);
        Assert.Equal(straightExit, resumedExit);
        Assert.Equal(TestMetrics(straight), TestMetrics(resumed));
        Assert.Contains("trained 63 steps", resumed);
    }

    [Fact]
    public async Task ResumeRefusesOptionsThatDoNotMatchTheCheckpoint()
    {
        var file = Path.Combine(TestPaths.TempDir(), "run.safetensors");
        await Course([.. Tiny, "--seed", "3", "--stop-after", "5", "--save", file]);

        var (exit, output) = await Course("train", "copy", "--resume", file, "--seed=4");
        Assert.Equal(2, exit);
        Assert.Contains("--seed 4 does not match the checkpoint's seed 3", output);

        var (missingExit, missing) = await Course("train", "--resume", file + ".nope");
        Assert.Equal(2, missingExit);
        Assert.Contains("--resume: no file", missing);
    }

    [Fact]
    public async Task ResumeRefusesADamagedCheckpointNamingTheEntry()
    {
        var file = Path.Combine(TestPaths.TempDir(), "run.safetensors");
        await Course([.. Tiny, "--stop-after", "2", "--save", file]);
        var good = SafeTensors.Read(file);
        var cases = new (string Key, string Value, string Message)[]
        {
            ("course.scale", "NaN", "the checkpoint's course.scale is \"NaN\", not a number in (0, 1]"),
            ("course.scale", "-1", "the checkpoint's course.scale is \"-1\", not a number in (0, 1]"),
            ("course.model", "transformer-xl", "the checkpoint's course.model is \"transformer-xl\", not one of gru"),
            ("epoch", "2000000000", "the checkpoint's epoch is \"2000000000\"; after 2 steps it must be a whole"),
            ("weights", "NaN", "holds NaN or ∞"),
        };
        foreach (var (key, value, message) in cases)
        {
            var metadata = good.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
            var tensors = good.Tensors.Values.ToList();
            if (key == "weights") tensors[0] =
                tensors[0] with { Data = tensors[0].Data.Select(_ => double.NaN).ToArray() };
            else metadata[key] = value;
            var damaged = Path.Combine(TestPaths.TempDir(), "damaged.safetensors");
            SafeTensors.Write(damaged, tensors, metadata);

            var (exit, output) = await Course("train", "--resume", damaged);

            Assert.True(exit == 2, $"{key}={value}: exit {exit}\n{output}");
            Assert.Contains($"--resume {damaged}: ", output);
            Assert.Contains(message, output);
        }
    }

    [Fact]
    public async Task ABeamWiderThanTheVocabularyIsClampedWithAMessage()
    {
        var (exit, output) = await Course([.. Tiny, "--beam", "500"]);

        var clamped = Regex.Match(output, @"--beam 500 is wider than the (\d+)-token target vocabulary; using \1");
        Assert.True(clamped.Success, output);
        Assert.Contains($"beam search (width {clamped.Groups[1].Value}) exact match on the first", output);
        Assert.True(exit is 0 or 1, output);      // 1 when the tiny run learned nothing: see the scale test
    }

    // ---- the real command in a child process -------------------------------------------------------------------

    private sealed class Child : IDisposable
    {
        private readonly Process process;
        private readonly List<string> lines = [];
        private readonly SemaphoreSlim lineAdded = new(0);

        public Child(params string[] args)
        {
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "course.dll"), .. args])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            start.Environment.Remove("COLUMNS");
            process = Process.Start(start)!;
            process.OutputDataReceived += (_, e) => Add(e.Data);
            process.ErrorDataReceived += (_, e) => Add(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public int Id => process.Id;

        public string Output
        {
            get { lock (lines) return string.Join("\n", lines); }
        }

        public IReadOnlyList<string> Lines
        {
            get { lock (lines) return lines.ToList(); }
        }

        /// <summary>Waits for a line with <paramref name="text"/>; after the timeout, fails with the output.</summary>
        public async Task WaitForLine(string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            bool Seen() => Lines.Any(l => l.Contains(text, StringComparison.Ordinal));
            while (!Seen())
            {
                var left = deadline - DateTime.UtcNow;
                bool exited = process.HasExited;
                if (left <= TimeSpan.Zero || exited && !Seen())
                    throw new Xunit.Sdk.XunitException($"no line with '{text}' (exited: {exited}):\n{Output}");
                await lineAdded.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(500, left.TotalMilliseconds)));
            }
        }

        public async Task<int> Exit(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"did not exit within {timeout}:\n{Output}");
            }
            process.WaitForExit();    // flushes the redirected output
            return process.ExitCode;
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }

        private void Add(string? line)
        {
            if (line is null) return;
            lock (lines) lines.Add(line);
            lineAdded.Release();
        }
    }

    private static async Task Interrupt(int pid, string signal = "-INT")
    {
        using var kill = Process.Start("kill", [signal, pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    [Theory]
    [InlineData("-INT")]     // Ctrl+C
    [InlineData("-TERM")]    // a CI timeout, docker stop
    [InlineData("-HUP")]     // the terminal closed
    public async Task CtrlCSIGTERMOrSIGHUPStopsBetweenStepsSavesTheCheckpointAndExits130(string signal)
    {
        var file = Path.Combine(TestPaths.TempDir(), "interrupted.safetensors");
        // The whole run (3,130 steps, minutes): it is interrupted long before the end.
        using var child = new Child("train", "copy", "--model", "gru", "--save", file);
        await child.WaitForLine("batch loss", TimeSpan.FromMinutes(3));   // the first progress line
        // A second run saving to the same file meanwhile is refused, so neither run is lost.
        var (secondExit, second) = await Course([.. Tiny, "--save", file]);
        Assert.Equal(2, secondExit);
        Assert.Contains($"--save {file}: another course train is saving to that file", second);
        await Interrupt(child.Id, signal);
        var exit = await child.Exit(TimeSpan.FromMinutes(2));
        var output = child.Output;

        Assert.True(exit == 130, $"exit {exit}:\n{output}");
        Assert.True(File.Exists(file), output);
        Assert.Matches(@"stopped at step \d+ of 3,130", output);
        Assert.Contains($"saved the model, optimiser state and position in the data to {file}", output);
        Assert.Contains($"course train --resume {file}", output);
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain("   at ", output);                 // no stack trace
        var metadata = SafeTensors.Read(file).Metadata;
        Assert.Equal("stopped", metadata["course.state"]);
    }

    [Fact]
    public async Task PipedOutputIsPlainTextAndItsTablesAreNotSqueezedTo80Columns()
    {
        using var child = new Child("train", "dates", "--model", "gru", "--scale", "0.005");
        await child.Exit(TimeSpan.FromMinutes(3));
        var lines = child.Lines;
        var output = child.Output;

        Assert.Contains(lines, l => l.Length > 80 && l.Contains("valid loss", StringComparison.Ordinal));
        Assert.DoesNotContain("\u001b[", output);                 // no colour codes in a file
        Assert.Contains("identical to datasets/dates/valid.tsv and test.tsv", output);
    }
}
