using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Templating;

namespace KaizalaBatch.UseCases;

/// <summary>Loads the run file a use case is given and reports what is wrong with it.</summary>
public static class RunFileInput
{
    /// <summary>Starts, on a thread of its own, what loading and rendering a first run file costs most in a fresh process,
    /// in the order the command needs them: YamlDotNet's parser, the schema and its patterns, Scriban's builtins, the
    /// content hasher (OpenSSL's SHA-256, the JSON writer) and the thread pool the items are rendered on. For a host about
    /// to load one that has other things to do meanwhile (its command line). Only warms what the process would load
    /// anyway; the results are the same with or without it. Call it once.</summary>
    public static void Preload() =>
        Task.Factory.StartNew(() =>
        {
            ThreadPool.UnsafeQueueUserWorkItem(static _ => { }, null);
            YamlTokenReader.Prepare();
            SchemaCheck.Prepare();
            TemplateScope.Prepare();
            _ = new ContentHasher().Compute("", "Job", null, new JsonObject { ["title"] = "preload", ["dueDate"] = 1 }, null, []);
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
