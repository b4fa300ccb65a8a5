using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.UseCases;

/// <summary>Where a use case writes a file the user asked for (<c>--json</c>, <c>--junit</c>): a file, or a stream its host
/// opens (the CLI's stdout for <c>-</c>; the library itself never touches the console).</summary>
/// <param name="Name">How messages name it: the full path, or "stdout".</param>
/// <param name="Open">Creates the stream; the use case closes it.</param>
public sealed record OutputTarget(string Name, Func<Stream> Open)
{
    public static OutputTarget File(string path)
    {
        var fullPath = Path.GetFullPath(path);
        return new OutputTarget(fullPath, () => System.IO.File.Create(fullPath));
    }

    /// <summary>Opens the stream; null (with the reason in the bag, at the target) when it cannot be created.</summary>
    /// <param name="what">What is written, for the message ("the JSON plan").</param>
    internal Stream? TryOpen(string what, DiagnosticBag diagnostics)
    {
        try
        {
            return Open();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.OutputUnwritable, $"cannot write {what}: {ex.Message}", new SourceLocation(Name)));
            return null;
        }
    }

    /// <summary>Opens the stream and writes it; false (with the reason in the bag, at the target) when either fails for a
    /// reason outside the program (the folder is missing, the disk is full, no permission).</summary>
    internal bool TryWrite(string what, DiagnosticBag diagnostics, Action<Stream> write)
    {
        try
        {
            using var stream = Open();
            write(stream);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.OutputUnwritable, $"cannot write {what}: {ex.Message}", new SourceLocation(Name)));
            return false;
        }
    }
}
