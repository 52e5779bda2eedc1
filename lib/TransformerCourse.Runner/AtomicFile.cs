using System.Text;

namespace TransformerCourse.Runner;

/// <summary>
/// Writes a file whole or not at all: to a temporary file beside it, then renamed over it. A failure (a read-only
/// folder, a full disk, a path whose folder is a file) leaves the previous copy as it was and names the path.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark.</summary>
    /// <exception cref="IOException">The file could not be written; the message names it.</exception>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });

    /// <summary>Writes what <paramref name="write"/> writes to the stream it is given.</summary>
    /// <exception cref="IOException">The file could not be written; the message names it.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (File.Exists(folder)) throw new IOException($"{folder} is a file, not a folder");
            if (Directory.Exists(full)) throw new IOException("that is a folder");
            Directory.CreateDirectory(folder);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // nothing more to tidy
            }
            var kept = File.Exists(full) ? "; the previous copy is kept" : "";
            throw new IOException($"cannot write {path}: {e.Message}{kept}", e);
        }
    }
}
