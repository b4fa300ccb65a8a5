using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Templating;

namespace KaizalaBatch.UseCases;

/// <summary>Loads the run file a use case is given and reports what is wrong with it.</summary>
public static class RunFileInput
{
    /// <summary>Starts, on a thread of its own, what loading and rendering a first run file costs most in a fresh process
    /// (the schema and its patterns, Scriban's builtins), for a host about to load one that has other things to do
    /// meanwhile (the YAML, the host's own set-up). Only warms what the process would load anyway; the results are the
    /// same with or without it.</summary>
    public static void Preload() =>
        Task.Factory.StartNew(() =>
        {
            SchemaCheck.Prepare();
            TemplateScope.Prepare();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <returns>The run file, or null when it is unusable (exit 2); the reasons are in <paramref name="diagnostics"/>.</returns>
    public static RunFile? Load(string path, UseCaseHost host, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var result = RunFileLoader.Load(path, host.Environment);
        foreach (var diagnostic in result.Diagnostics)
        {
            diagnostics.Add(diagnostic);
        }
        return result.RunFile is { } run && !EmbeddedUsable(run, host, diagnostics) ? null : result.RunFile;
    }

    /// <summary>For use cases that only reach the service (<c>groups</c>): a targets file that does not exist yet is no error.</summary>
    public static RunFile? LoadForConnection(string path, UseCaseHost host, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var result = RunFileLoader.Load(path, host.Environment);
        var run = result.ForConnection;
        foreach (var diagnostic in result.Diagnostics)
        {
            if (run is null || diagnostic.Severity != Severity.Error)
            {
                diagnostics.Add(diagnostic);
            }
        }
        return run is not null && EmbeddedUsable(run, host, diagnostics) ? run : null;
    }

    /// <summary>The embedded service's own input (its organisation file) is read before anything else happens, so that a
    /// mistake in it leaves no trace.</summary>
    private static bool EmbeddedUsable(RunFile run, UseCaseHost host, DiagnosticBag diagnostics)
    {
        if (!run.Connection.Emulator || host.Embedded?.Check(run) is not { } problem)
        {
            return true;
        }
        diagnostics.Add(problem);
        return false;
    }
}
