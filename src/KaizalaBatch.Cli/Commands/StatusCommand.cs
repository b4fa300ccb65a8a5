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
        var command = new Command("status", "Show what the run's ledger holds: items per action and state (sent, failed, in-doubt, invalid).") { runFile };
        command.SetAction(parse =>
        {
            var result = LedgerUseCases.Status(parse.GetRequiredValue(runFile), Host.Quiet, DiagnosticWriter.Printing(error));
            if (result.Run is not { } run || result.ExitCode != ExitCodes.Done)
            {
                return result.ExitCode;
            }
            if (result.Ledger is null)
            {
                output.WriteLine($"status: {run.Name}: no ledger yet at {run.LedgerPath}; nothing has been sent.");
                return ExitCodes.Done;
            }
            Tables.Status(Terminal.Create(output), run, result.Ledger, result.Counts, result.NotStarted);
            return ExitCodes.Done;
        });
        return command;
    }

}
