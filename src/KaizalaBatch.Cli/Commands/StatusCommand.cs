using System.CommandLine;
using System.Globalization;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Planning;
using KaizalaBatch.Reports;
using KaizalaBatch.UseCases;
using Spectre.Console;

namespace KaizalaBatch.Cli.Commands;

/// <summary><c>kaizala-batch status RUN.yaml</c>: what the ledger holds, per action and state.</summary>
public static class StatusCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var runFile = CommonArguments.RunFile();
        var json = new Option<string?>("--json") { Description = "Also write the counts per action and state as JSON to this file; - writes them to stdout instead of the table." };
        var command = new Command("status", "Show what the run's ledger holds: items per action and state (sent, failed, in-doubt, invalid).") { runFile, json };
        command.SetAction(parse =>
        {
            var target = MachineOutput.Target(parse.GetValue(json));
            var result = LedgerUseCases.Status(parse.GetRequiredValue(runFile), Host.Quiet, DiagnosticWriter.Printing(error), target);
            if (result.Run is not { } run || result.ExitCode != ExitCodes.Done || MachineOutput.IsStdout(target))
            {
                return result.ExitCode;
            }
            if (result.Ledger is null)
            {
                output.WriteLine($"status: {run.Name}: no ledger yet at {run.LedgerPath}; nothing has been sent.");
                return ExitCodes.Done;
            }
            Tables.Status(Terminal.Create(output), run, result.Ledger, result.Counts, result.NotStarted);
            Tables.Runners(Terminal.Create(output), result.Runners);
            return ExitCodes.Done;
        });
        return command;
    }

}
