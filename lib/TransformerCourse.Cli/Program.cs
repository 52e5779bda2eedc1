// The `course` command: run, check and export the course notebooks (see CourseApp for the subcommands).
using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;
using TransformerCourse.Cli;
using TransformerCourse.Runner;

// Route Console output into running cells before anything writes to the console, and let Spectre write
// to the real terminal underneath, so nothing it prints can loop back into a cell.
ConsoleRouter.Install();
// Globalization is on (the csproj) for Unicode's tables, not for local formats: numbers print as they did in
// invariant mode (0.5, 1,234), whatever the machine's language.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
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
// The first Ctrl+C asks the command to stop cleanly (course run and check abandon the running cell and write what
// ran; course train stops between two steps and saves its checkpoint; exit code 130); a second one ends the process
// at once.
Console.CancelKeyPress += (_, e) =>
{
    if (cancel.IsCancellationRequested) return;
    e.Cancel = true;
    ConsoleRouter.OriginalError.WriteLine("stopping after Ctrl+C (press it again to quit at once) …");
    cancel.Cancel();
};
// SIGTERM (a CI timeout, docker stop) and SIGHUP (a closed terminal) stop a command as the first Ctrl+C does, so
// course train saves its run and course run writes what ran.
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
return await CourseApp.RunAsync(args, console, cancel.Token);

void Stop(PosixSignalContext context)
{
    if (cancel.IsCancellationRequested) return;
    context.Cancel = true;
    ConsoleRouter.OriginalError.WriteLine($"stopping after {context.Signal} …");
    cancel.Cancel();
}
