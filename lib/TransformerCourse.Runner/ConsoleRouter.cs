using System.Text;
using TransformerCourse.Runner.Scripting;

namespace TransformerCourse.Runner;

/// <summary>
/// Sends <see cref="Console.Out"/> and <see cref="Console.Error"/> to the running cell's <see cref="CellOutputs"/>
/// (found through an async-local, so notebooks running in parallel in one process keep their output apart);
/// writes made outside any cell go to the original console.
/// </summary>
public static class ConsoleRouter
{
    private static readonly object gate = new();
    private static RoutingWriter? stdout, stderr;

    /// <summary>Installs the routing writers once per process.</summary>
    public static void Install()
    {
        lock (gate)
        {
            if (stdout is not null) return;
            stdout = new RoutingWriter(Console.Out, "stdout");
            stderr = new RoutingWriter(Console.Error, "stderr");
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    /// <summary>The console's own standard output, under the routing writer (install first).</summary>
    public static TextWriter OriginalOut
    {
        get
        {
            Install();
            return stdout!.Original;
        }
    }

    /// <summary>The console's own standard error, under the routing writer (install first).</summary>
    public static TextWriter OriginalError
    {
        get
        {
            Install();
            return stderr!.Original;
        }
    }

    /// <summary>The writer under a routing writer (so live echo never loops back into a cell), else the writer
    /// itself.</summary>
    public static TextWriter Unwrap(TextWriter writer) => writer is RoutingWriter r ? r.Original : writer;

    private sealed class RoutingWriter(TextWriter original, string stream) : TextWriter
    {
        public TextWriter Original { get; } = original;

        public override Encoding Encoding => Original.Encoding;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void Write(string? value)
        {
            if (value is null) return;
            if (CellOutputs.Current is { } cell) cell.Stream(stream, value);
            else Original.Write(value);
        }

        public override void Flush() => Original.Flush();
    }
}
