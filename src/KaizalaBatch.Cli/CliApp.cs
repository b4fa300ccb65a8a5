using System.CommandLine;
using KaizalaBatch.Cli.Commands;
using KaizalaBatch.UseCases;

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
        root.Add(ValidateCommand.Build(output, error));
        root.Add(PlanCommand.Build(output, error));
        root.Add(RunCommand.Build(output, error));
        root.Add(StatusCommand.Build(output, error));
        root.Add(ExportCommand.Build(output, error));
        root.Add(ResolveCommand.Build(output, error));
        root.Add(ReportCommand.Build(output, error));
        root.Add(RemindCommand.Build(output, error));
        root.Add(SchemaCommand.Build(output));
        root.Add(InitCommand.Build(output, error));
        root.Add(GroupsCommand.Build(output, error));
        root.Add(EmulatorCommand.Build(output, error));
        return Help.Describe(root);
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // A command that reads a run file: start on what its first load costs while the command line is built and parsed.
        // An argument naming a YAML file says so before the parse can (a wrong guess only warms what is not used).
        var preloading = args.Any(a => a.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || a.EndsWith(".yml", StringComparison.OrdinalIgnoreCase));
        if (preloading)
        {
            RunFileInput.Preload();
        }
        var root = Build(output, error);
        // The bare command shows what there is to do instead of an error.
        var parse = root.Parse(args.Length == 0 ? ["--help"] : args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}");
            }
            await error.WriteLineAsync("Try 'kaizala-batch --help'.");
            return ExitCodes.InputUnusable;
        }
        // A run file named otherwise: start now, while the command sets itself up.
        if (!preloading && parse.CommandResult.Command.Arguments.Any(a => a.Name == CommonArguments.RunFileName))
        {
            RunFileInput.Preload();
        }
        // Commands that run long (run, emulator) handle Ctrl-C themselves (StopSignals): the first press stops taking new
        // work and lets requests in flight be recorded, which must not be cut short by a termination timeout.
        var invocation = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(invocation, cancellationToken);
    }
}
