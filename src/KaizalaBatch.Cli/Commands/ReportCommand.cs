using System.CommandLine;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Reports;
using KaizalaBatch.UseCases;

namespace KaizalaBatch.Cli.Commands;

/// <summary><c>kaizala-batch report RUN.yaml</c>: reads the responses of every sent item back and reports them, on the
/// terminal and as CSV, JSON or HTML files.</summary>
public static class ReportCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var runFile = CommonArguments.RunFile();
        var csv = new Option<FileInfo?>("--csv") { Description = "Write one row per item (action, key, groupId, type, responses, lastResponseAt, completed, error, then the item's CSV columns)." };
        var json = new Option<FileInfo?>("--json") { Description = "Write the whole report as one JSON document." };
        var html = new Option<FileInfo?>("--html") { Description = "Write a self-contained HTML page: a chart per question and a sortable per-group table." };
        var refresh = new Option<bool>("--refresh") { Description = "Read every item's responses again, not only those whose count changed since the last report." };
        var command = new Command("report", "Read back the responses to the sent Surveys, Jobs and Polls and report them per action, per question and per group. Paced like run; responses are kept in the ledger, so the next report reads only what changed (about one call per group).")
        {
            runFile, csv, json, html, refresh,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var loggers = Logging.Create(parse);
            using var signals = new StopSignals();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, signals.Stop);
            var request = new ReportRequest(parse.GetValue(refresh), parse.GetValue(csv)?.FullName, parse.GetValue(json)?.FullName, parse.GetValue(html)?.FullName);
            var result = await ReadBackUseCases.ReportAsync(parse.GetRequiredValue(runFile), request, Host.For(loggers), DiagnosticWriter.Printing(error),
                new ReadBackPrinter(error), stop.Token);
            if (result.Report is { } report)
            {
                ReportPrinter.Write(Terminal.Create(output), output, report);
            }
            foreach (var (kind, path) in result.Written)
            {
                await output.WriteLineAsync($"report: {kind} written to {path}");
            }
            if (result.Note is { } note)
            {
                await error.WriteLineAsync(note);
            }
            return result.ExitCode;
        });
        return command;
    }
}
