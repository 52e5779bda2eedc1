// The `course` command: run, check and export the course notebooks (see CourseApp for the subcommands).
using Spectre.Console;
using TransformerCourse.Cli;
using TransformerCourse.Notebooks;

// Route Console output into running cells before anything writes to the console, and let Spectre write
// to the real terminal underneath, so nothing it prints can loop back into a cell.
ConsoleRouter.Install();
var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(ConsoleRouter.OriginalOut) });
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await CourseApp.RunAsync(args, console, cancel.Token);
