using Spectre.Console;

namespace TransformerCourse.Cli;

/// <summary>One subcommand of <c>course</c>.</summary>
public interface ICourseCommand
{
    /// <summary>The word after <c>course</c>, e.g. <c>run</c>.</summary>
    string Name { get; }

    /// <summary>One line for the usage text, e.g. <c>run &lt;notebook|folder&gt;…  execute notebooks …</c>.</summary>
    string Usage { get; }

    /// <summary>Runs the command with the arguments after its name; returns the exit code.</summary>
    Task<int> RunAsync(CommandArgs args, IAnsiConsole console, CancellationToken cancel);
}

/// <summary>
/// The <c>course</c> command: a small dispatcher over <see cref="Commands"/>. To add a subcommand (e.g.
/// <c>train</c>), write a class implementing <see cref="ICourseCommand"/> and add it to the list.
/// </summary>
public static class CourseApp
{
    /// <summary>The exit code after Ctrl+C, as shells use for SIGINT (128 + 2).</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>Every subcommand, in the order the usage text lists them.</summary>
    public static readonly List<ICourseCommand> Commands =
    [
        new RunCommand(),
        new CheckCommand(),
        new ExportCommand(),
        new RestoreCommand(),
        new TrainCommand(),
    ];

    /// <summary>Runs <c>course &lt;args&gt;</c>; returns the exit code (0 ok, 1 failed, 2 usage error).</summary>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, CancellationToken cancel = default)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage(console);
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] == NotebookProcess.ChildCommand) return await NotebookProcess.ChildAsync(cancel);
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            console.MarkupLineInterpolated($"[red]unknown command '{args[0]}'[/]");
            PrintUsage(console);
            return 2;
        }
        CommandArgs parsed;
        try
        {
            parsed = CommandArgs.Parse(args[1..]);
            parsed.Command = command.Name;
        }
        catch (ArgumentException e)
        {
            console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            console.WriteLine($"usage: course {command.Usage}");
            return 2;
        }
        try
        {
            return await command.RunAsync(parsed, console, cancel);
        }
        catch (UsageException e)
        {
            console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            console.WriteLine($"usage: course {command.Usage}");
            return 2;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            console.Profile.Out.Writer.WriteLine("✘ interrupted (Ctrl+C)");
            return InterruptedExitCode;
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException)
        {
            console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return 1;
        }
    }

    private static void PrintUsage(IAnsiConsole console)
    {
        console.WriteLine("usage: course <command> [arguments]");
        console.WriteLine();
        foreach (var c in Commands) console.WriteLine($"  course {c.Usage}");
    }
}

/// <summary>A usage mistake: the message is shown with the command's usage line; exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Arguments after the subcommand: positionals, <c>--flag</c>s and <c>--option value</c>s.</summary>
public sealed class CommandArgs
{
    private static readonly HashSet<string> valued =
        ["--out", "-o", "--model", "--seed", "--scale", "--save", "--beam", "--resume", "--stop-after",
         "--nuget-config", "--cell-timeout", "--reference"];

    private readonly List<string> given = [];

    /// <summary>The subcommand these arguments are for (e.g. <c>run</c>), for messages.</summary>
    public string Command { get; set; } = "";

    /// <summary>Arguments that are not options, in order.</summary>
    public List<string> Positionals { get; } = [];

    /// <summary>Flags given, e.g. <c>--solutions</c>.</summary>
    public HashSet<string> Flags { get; } = [];

    /// <summary>Options with a value, e.g. <c>--out DIR</c> (<c>-o</c> is stored as <c>--out</c>).</summary>
    public Dictionary<string, string> Options { get; } = [];

    /// <summary>
    /// Parses arguments; options that take a value (<c>--out</c>/<c>-o</c>, <c>--nuget-config</c>,
    /// <c>--cell-timeout</c> and <c>train</c>'s <c>--model</c>, <c>--seed</c>, <c>--scale</c>, <c>--save</c>,
    /// <c>--beam</c>, <c>--resume</c>, <c>--stop-after</c>) are written <c>--seed 2</c> or <c>--seed=2</c>. Which of
    /// them a command accepts, it says with <see cref="Allow"/>. After <c>--</c> every argument is a positional.
    /// </summary>
    public static CommandArgs Parse(IReadOnlyList<string> args)
    {
        var result = new CommandArgs();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                // Everything after "--" is a file, even "-dash.ipynb".
                result.Positionals.AddRange(args.Skip(i + 1));
                break;
            }
            int eq = a.StartsWith("--", StringComparison.Ordinal) ? a.IndexOf('=', StringComparison.Ordinal) : -1;
            if (eq > 2 && valued.Contains(a[..eq]))
            {
                result.Options[a[..eq]] = a[(eq + 1)..];
                result.given.Add(a[..eq]);
            }
            else if (valued.Contains(a))
            {
                if (i + 1 >= args.Count) throw new ArgumentException($"{a} needs a value");
                result.Options[a == "-o" ? "--out" : a] = args[++i];
                result.given.Add(a);
            }
            else if (a.StartsWith('-') && a.Length > 1)
            {
                result.Flags.Add(a);
                result.given.Add(a);
            }
            else result.Positionals.Add(a);
        }
        return result;
    }

    /// <summary>
    /// Throws a <see cref="UsageException"/> listing the command's options for any option (flag or option with a
    /// value) not among <paramref name="options"/>, so an option of another command is never silently ignored.
    /// </summary>
    /// <param name="options">
    /// The command's options as the usage shows them: <c>--solutions</c>, <c>--out DIR</c>, <c>-q</c>.
    /// </param>
    public void Allow(params string[] options)
    {
        var known = options.Select(o => o.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
        if (given.FirstOrDefault(g => !known.Contains(g)) is not { } unknown) return;
        var name = Command.Length == 0 ? "this command" : $"course {Command}";
        var takes = options.Length == 0 ? "it takes no options" : $"its options are: {string.Join(", ", options)}";
        throw new UsageException($"{name} does not take {unknown}; {takes}");
    }

    /// <summary>
    /// Throws a <see cref="UsageException"/> for any flag or option (with or without a value) not in
    /// <paramref name="known"/>, naming the options <paramref name="command"/> takes.
    /// </summary>
    public void AllowOnly(string command, IReadOnlyCollection<string> known)
    {
        var unknown = Flags.Concat(Options.Keys).FirstOrDefault(o => !known.Contains(o));
        if (unknown is not null)
            throw new UsageException($"unknown option {unknown}; {command} takes {string.Join(", ", known)}");
    }
}
