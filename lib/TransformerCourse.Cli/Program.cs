// The `course` command: run, check and export the course notebooks (see CourseApp for the subcommands).
using Spectre.Console;
using TransformerCourse.Cli;
using TransformerCourse.Notebooks;

// Route Console output into running cells before anything writes to the console, and let Spectre write
// to the real terminal underneath, so nothing it prints can loop back into a cell.
ConsoleRouter.Install();
// Piped into a file or another program: plain text (no colour codes) and tables at their own width, not squeezed
// into the 80 columns Spectre assumes when there is no terminal (see OutputWidth).
bool redirected = Console.IsOutputRedirected;
var console = AnsiConsole.Create(new AnsiConsoleSettings
{
    Out = new AnsiConsoleOutput(ConsoleRouter.OriginalOut),
    Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
    ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
});
if (redirected) console.Profile.Width = OutputWidth.WhenRedirected(Environment.GetEnvironmentVariable("COLUMNS"));
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C asks the command to stop cleanly (course train stops between two steps and saves its
    // checkpoint); a second one ends the process at once.
    if (cancel.IsCancellationRequested) return;
    e.Cancel = true;
    cancel.Cancel();
};
return await CourseApp.RunAsync(args, console, cancel.Token);
