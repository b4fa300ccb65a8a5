using System.Diagnostics;
using System.Text;

namespace KaizalaBatch.Reliability.Tests;

/// <summary>What one real kaizala-batch process did.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    public string AllOutput => StdOut + StdErr;
}

/// <summary>Starts the built kaizala-batch as a real child process, as a user or a CI job would.</summary>
public static class CliProcess
{
    private static readonly Lazy<string> CliDll = new(FindCliDll);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(CliDll.Value);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        // Plain output: the tests read what a CI log would show.
        info.Environment["NO_COLOR"] = "1";
        info.Environment["TERM"] = "dumb";
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                info.Environment[name] = value;
            }
        }
        return info;
    }

    public static async Task<CliResult> RunAsync(IEnumerable<string> args, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        using var process = Process.Start(StartInfo(args, workingDirectory, environment))
            ?? throw new InvalidOperationException("could not start kaizala-batch");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kaizala-batch {string.Join(' ', args)} did not finish in time.\n{await stdout}\n{await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KaizalaBatch.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("KaizalaBatch.sln not found above " + AppContext.BaseDirectory);
    }

    private static string FindCliDll()
    {
        // Same configuration as this test assembly (Debug or Release).
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(RepositoryRoot, "src", "KaizalaBatch.Cli", "bin", configuration, "net10.0", "kaizala-batch.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build the CLI first", path);
    }
}
