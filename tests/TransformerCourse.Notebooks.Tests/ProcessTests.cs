using System.Diagnostics;
using System.Text;

namespace TransformerCourse.Notebooks.Tests;

/// <summary>
/// The <c>course</c> command as a process of its own, for what only a process can show: a cell that spins forever
/// (<c>while (true) { }</c>) is really stopped — by the cell timeout or by Ctrl+C — and the process ends.
/// </summary>
public class ProcessTests
{
    private const string Spinning = "Console.WriteLine(\"spinning\");\nwhile (true) { }";

    private sealed class Course : IDisposable
    {
        private readonly StringBuilder output = new();
        private readonly Process process;

        public Course(string workDir, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
                UseShellExecute = false, WorkingDirectory = workDir,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "course.dll"));
            foreach (var a in args) start.ArgumentList.Add(a);
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            process = Process.Start(start)!;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Output
        {
            get { lock (output) return output.ToString(); }
        }

        public int Id => process.Id;

        public async Task<int> ExitCodeAsync(TimeSpan within)
        {
            using var timeout = new CancellationTokenSource(within);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"course did not exit within {within.TotalSeconds} s:\n{Output}");
            }
            process.WaitForExit();     // and the output has been read to the end
            return process.ExitCode;
        }

        public async Task WaitForOutputAsync(string text, TimeSpan within)
        {
            var clock = Stopwatch.StartNew();
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                if (clock.Elapsed > within || process.HasExited) Assert.Fail($"no '{text}' from course:\n{Output}");
                await Task.Delay(100);
            }
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is null) return;
            lock (output) output.Append(line).Append('\n');
        }
    }

    private static string TwoNotebooks()
    {
        var dir = TestPaths.TempDir();
        TestPaths.WriteNotebook(dir, "a-spin.ipynb", Spinning, "Console.WriteLine(\"after the spinning cell\");");
        TestPaths.WriteNotebook(dir, "b-next.ipynb", "Console.WriteLine(\"the next notebook ran\");");
        return dir;
    }

    [Fact]
    public async Task TheCellTimeoutStopsAnEndlessCellAndTheRunGoesOnToTheNextNotebook()
    {
        var dir = TwoNotebooks();
        var outDir = Path.Combine(dir, "out");
        using var course = new Course(dir, "run", dir, "--out", outDir, "--cell-timeout", "1");

        var exit = await course.ExitCodeAsync(TimeSpan.FromSeconds(120));

        Assert.True(exit == 1, course.Output);
        Assert.Contains(
            $"✘ {Path.Combine(dir, "a-spin.ipynb")}: code cell 1 (cell 1 of 2) \"Console.WriteLine(\"spinning\");\": " +
            "did not finish within the cell timeout of 1 s (--cell-timeout)", course.Output);
        Assert.DoesNotContain("\nafter the spinning cell\n", course.Output);    // echoed output, not the summary table
        Assert.Contains("\nthe next notebook ran\n", course.Output);
        Assert.Contains("2 notebooks, 1 failed", course.Output);
        var written = File.ReadAllText(Path.Combine(outDir, "a-spin.ipynb"));      // written up to the timeout
        Assert.Contains("spinning", written);
        Assert.Contains("TimeoutException", written);
        Assert.True(File.Exists(Path.Combine(outDir, "b-next.ipynb")));
    }

    [Fact]
    public async Task CtrlCStopsTheRunWritesWhatRanAndExits130()
    {
        var dir = TwoNotebooks();
        var outDir = Path.Combine(dir, "out");
        using var course = new Course(dir, "run", dir, "--out", outDir);
        await course.WaitForOutputAsync("spinning", TimeSpan.FromSeconds(120));
        await Task.Delay(300);

        var pid = course.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var kill = Process.Start("kill", ["-INT", pid]))
            await kill.WaitForExitAsync();
        var exit = await course.ExitCodeAsync(TimeSpan.FromSeconds(60));

        Assert.True(exit == 130, course.Output);
        Assert.Contains("✘ interrupted (Ctrl+C): 1 of 2 notebooks run", course.Output);
        Assert.Contains("interrupted (Ctrl+C) after", course.Output);
        Assert.DoesNotContain("\nthe next notebook ran\n", course.Output);
        var written = File.ReadAllText(Path.Combine(outDir, "a-spin.ipynb"));
        Assert.Contains("spinning", written);
        Assert.False(File.Exists(Path.Combine(outDir, "b-next.ipynb")));
    }
}
