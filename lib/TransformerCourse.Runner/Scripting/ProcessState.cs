using System.Reflection;
using Microsoft.DotNet.Interactive.Formatting;

namespace TransformerCourse.Runner.Scripting;

/// <summary>
/// The kernel gives every notebook a fresh process; the runner runs one notebook after another in one process. So
/// that a notebook sees what it would see in a fresh kernel, the process-wide state a notebook can change is put back
/// before each notebook: the registered formatters (a notebook's <c>Notebook.Setup()</c> registers its own) and
/// MathNet's linear-algebra provider (a notebook's <c>Acceleration.Enable()</c> switches it to native code).
/// </summary>
public static class ProcessState
{
    /// <summary>Puts the process-wide state back to what a fresh kernel has.</summary>
    public static void Reset()
    {
        Formatter.ResetToDefault();
        OutputFormatter.Configure(force: true);
        // Every loaded copy: a process can hold MathNet (and the course library) from more than one path, e.g. the
        // NuGet cache for one notebook and the library's bin folder for another.
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            var (type, method) = assembly.GetName().Name switch
            {
                "TransformerCourse" => ("TransformerCourse.Native.Acceleration", "Disable"),
                "MathNet.Numerics" => ("MathNet.Numerics.Control", "UseManaged"),
                _ => (null, null),
            };
            if (type is null) continue;
            assembly.GetType(type)?.GetMethod(method!, BindingFlags.Public | BindingFlags.Static,
                Type.EmptyTypes)?.Invoke(null, null);
        }
    }
}
