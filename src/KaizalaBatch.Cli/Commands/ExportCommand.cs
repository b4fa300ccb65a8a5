using System.CommandLine;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Reports;

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
            if (LedgerAccess.LoadForReading(parse.GetRequiredValue(runFile), error) is not var (run, ledger))
            {
                return ExitCodes.InputUnusable;
            }
            using var _ = ledger;
            var exportFormat = parse.GetRequiredValue(format) == "csv" ? ExportFormat.Csv : ExportFormat.Jsonl;
            var target = parse.GetValue(outFile);
            Stream stream;
            try
            {
                stream = target is null ? Console.OpenStandardOutput() : File.Create(target.FullName);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"{target!.FullName}: error: cannot write the export: {ex.Message}");
                return ExitCodes.InputUnusable;
            }
            using (stream)
            {
                var rows = LedgerExport.Write(ledger.Exists ? ledger.Export() : [], exportFormat, stream);
                if (target is not null)
                {
                    output.WriteLine($"export: {Counted.Of(rows, "item")} to {target.FullName}");
                }
            }
            return ExitCodes.Done;
        });
        return command;
    }
}
