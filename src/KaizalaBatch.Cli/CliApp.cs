using System.CommandLine;
using KaizalaBatch.Cli.Commands;

namespace KaizalaBatch.Cli;

/// <summary>The command tree. Parses, wires and prints; the work lives in Core and the Emulator.</summary>
public static class CliApp
{
    public static RootCommand Build(TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            "kaizala-batch: send Kaizala Actions to many groups from a YAML run file and CSV targets, " +
            "with a dry-run preview, pacing within the service's limits and a ledger that makes re-runs idempotent.");
        root.Add(GlobalOptions.LogLevel);
        root.Add(GlobalOptions.LogFormat);
        root.Add(InitCommand.Build(output, error));
        root.Add(EmulatorCommand.Build(output, error));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var root = Build(output, error);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}");
            }
            await error.WriteLineAsync("Try 'kaizala-batch --help'.");
            return ExitCodes.InputUnusable;
        }
        var invocation = new InvocationConfiguration { Output = output, Error = error };
        return await parse.InvokeAsync(invocation, cancellationToken);
    }
}
