using System.CommandLine;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Reports;
using KaizalaBatch.Responses;

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
            var files = new[] { (parse.GetValue(csv), "csv"), (parse.GetValue(json), "json"), (parse.GetValue(html), "html") };
            var doRefresh = parse.GetValue(refresh);
            return await ReadBackSession.RunAsync("report", parse.GetRequiredValue(runFile), loggers, error, async (run, ledger, service, ct) =>
            {
                var report = new RolloutReport(run, ledger, service.Client);
                var plan = report.Prepare(null, ct);
                var result = await ReadBackSession.ReadAsync(report, plan, doRefresh, error, ct);
                ReportPrinter.Write(Terminal.Create(output), result);
                foreach (var (file, kind) in files)
                {
                    if (file is not null && !await WriteAsync(result, file, kind, output, error))
                    {
                        return ExitCodes.InputUnusable;
                    }
                }
                return result.ExitCode;
            }, cancellationToken);
        });
        return command;
    }

    private static async Task<bool> WriteAsync(Report report, FileInfo file, string kind, TextWriter output, TextWriter error)
    {
        try
        {
            await using (var stream = File.Create(file.FullName))
            {
                switch (kind)
                {
                    case "csv":
                        ResponseReportFiles.WriteCsv(report, stream);
                        break;
                    case "json":
                        ResponseReportFiles.WriteJson(report, stream);
                        break;
                    default:
                        await using (var writer = new StreamWriter(stream))
                        {
                            ResponseReportHtml.Write(writer, report);
                        }
                        break;
                }
            }
            await output.WriteLineAsync($"report: {kind} written to {file.FullName}");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{file.FullName}: error: cannot write the {kind} report: {ex.Message}");
            return false;
        }
    }
}
