using KaizalaBatch.Cli.Output;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Emulator;
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
        return result.RunFile is { } run && !OrganisationUsable(run, diagnostics) ? null : result.RunFile;
    }

    /// <summary>For commands that only reach the service (<c>groups</c>): a targets file that does not exist yet is no error.</summary>
    /// <returns>The run file, or null when it is unusable (the caller exits 2).</returns>
    public static RunFile? LoadForConnection(string path, DiagnosticWriter diagnostics)
    {
        var result = RunFileLoader.Load(path, Environment.GetEnvironmentVariable);
        var run = result.ForConnection;
        foreach (var diagnostic in result.Diagnostics)
        {
            if (run is null || diagnostic.Severity != Severity.Error)
            {
                diagnostics.Write(diagnostic);
            }
        }
        return run is not null && OrganisationUsable(run, diagnostics) ? run : null;
    }

    /// <summary>The embedded emulator's organisation file (<c>connection.emulatorOrg</c>) is read before anything else
    /// happens, so that a mistake in it leaves no trace.</summary>
    private static bool OrganisationUsable(RunFile run, DiagnosticWriter diagnostics)
    {
        if (run.Connection.EmulatorOrg is not { File: { } file } org)
        {
            return true;
        }
        try
        {
            OrganisationFile.Load(file);
            return true;
        }
        catch (OrganisationFileException ex)
        {
            diagnostics.Write(Diagnostic.Error(DiagnosticCodes.FileMissing, $"the organisation file is unusable: {ex.Where}: {ex.Reason}", org.Location));
            return false;
        }
    }
}
