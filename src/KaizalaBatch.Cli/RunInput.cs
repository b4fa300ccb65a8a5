using KaizalaBatch.Cli.Output;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Cli;

/// <summary>Loads the run file named on the command line and prints what is wrong with it.</summary>
public static class RunInput
{
    /// <returns>The run file, or null when it is unusable (the caller exits 2).</returns>
    public static RunFile? Load(string path, DiagnosticWriter diagnostics)
    {
        var result = RunFileLoader.Load(path, Environment.GetEnvironmentVariable);
        foreach (var diagnostic in result.Diagnostics)
        {
            diagnostics.Write(diagnostic);
        }
        return result.RunFile;
    }
}
