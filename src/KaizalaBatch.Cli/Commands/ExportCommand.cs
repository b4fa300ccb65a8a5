using System.CommandLine;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Reports;
using KaizalaBatch.UseCases;

namespace KaizalaBatch.Cli.Commands;

/// <summary><c>kaizala-batch export RUN.yaml --format csv|jsonl [--out FILE]</c>: the ledger as a results file.</summary>
public static class ExportCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var runFile = CommonArguments.RunFile();
        var format = new Option<string>("--format") { Description = "csv or jsonl.", Required = true };
        format.AcceptOnlyFromAmong("csv", "jsonl");
        var outFile = new Option<FileInfo?>("--out") { Description = "Write to this file instead of stdout." };
        var command = new Command("export", "Write the ledger as a results file: one row per item with its state, referenceId, actionId, attempts and last error. CSV cells that a spreadsheet would run as a formula are neutralised.")
        {
            runFile, format, outFile,
        };
        command.SetAction(parse =>
        {
            var exportFormat = parse.GetRequiredValue(format) == "csv" ? ExportFormat.Csv : ExportFormat.Jsonl;
            var target = parse.GetValue(outFile);
            var result = LedgerUseCases.Export(parse.GetRequiredValue(runFile), exportFormat,
                target is null ? new OutputTarget("stdout", Console.OpenStandardOutput) : OutputTarget.File(target.FullName),
                Host.Quiet, DiagnosticWriter.Printing(error));
            if (target is not null && result.ExitCode == ExitCodes.Done)
            {
                output.WriteLine($"export: {Counted.Of(result.Rows, "item")} to {target.FullName}");
            }
            return result.ExitCode;
        });
        return command;
    }
}
