using KaizalaBatch.Api;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Ledger;
using KaizalaBatch.Reports;
using KaizalaBatch.Responses;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.UseCases;

/// <summary>What a host may show while responses are read back.</summary>
public interface IReadBackObserver
{
    /// <summary>What reading will cost, said before it starts.</summary>
    void Planned(ReadPlan plan, bool refresh)
    {
    }

    void Progress(ReadProgress progress)
    {
    }
}

/// <summary>What <c>report</c> is asked to write besides the result.</summary>
public sealed record ReportRequest(bool Refresh = false, string? CsvPath = null, string? JsonPath = null, string? HtmlPath = null);

/// <summary>What <c>report</c> came to; <paramref name="Written"/> names the files written.</summary>
public sealed record ReportResult(int ExitCode, Report? Report, IReadOnlyList<(string Kind, string Path)> Written, string? Note = null);

/// <summary>What <c>remind</c> came to.</summary>
public sealed record RemindUseCaseResult(int ExitCode, RemindResult? Reminders, string? Note = null);

/// <summary><c>report</c> and <c>remind</c>: the run file, its ledger opened for writing (the responses read and the
/// reminders sent are kept there; another run holding it is exit 3), the connection checked, then the responses read back.</summary>
public static class ReadBackUseCases
{
    private sealed class Silent : IReadBackObserver;

    public static async Task<ReportResult> ReportAsync(string runFilePath, ReportRequest request, UseCaseHost host, DiagnosticBag diagnostics,
        IReadBackObserver? observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var written = new List<(string Kind, string Path)>();
        var (exit, report, note) = await SessionAsync("report", runFilePath, host, diagnostics, async (run, ledger, service, ct) =>
        {
            var reading = new RolloutReport(run, ledger, service.Pool, host.Time);
            var result = await ReadAsync(reading, null, request.Refresh, observer, ct);
            foreach (var (path, kind) in new[] { (request.CsvPath, "csv"), (request.JsonPath, "json"), (request.HtmlPath, "html") })
            {
                if (path is not null && !OutputTarget.File(path).TryWrite($"the {kind} report", diagnostics, stream => Write(result, stream, kind)))
                {
                    return (ExitCodes.InputUnusable, result);
                }
                if (path is not null)
                {
                    written.Add((kind, Path.GetFullPath(path)));
                }
            }
            return (result.ExitCode, result);
        }, cancellationToken);
        return new ReportResult(exit, report, written, note);
    }

    public static async Task<RemindUseCaseResult> RemindAsync(string runFilePath, RemindOptions options, UseCaseHost host, DiagnosticBag diagnostics,
        IReadBackObserver? observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        RemindResult? reminders = null;
        var (exit, _, note) = await SessionAsync("remind", runFilePath, host, diagnostics, async (run, ledger, service, ct) =>
        {
            if (options.Only?.FirstOrDefault(name => run.Actions.All(a => a.Name != name)) is { } unknown)
            {
                diagnostics.Add(LedgerUseCases.UnknownAction(run, unknown));
                return (ExitCodes.InputUnusable, null);
            }
            var read = await ReadAsync(new RolloutReport(run, ledger, service.Pool, host.Time), options.Only, refresh: false, observer, ct);
            reminders = await new ReminderRound(ledger, service.Pool, run.Limits.Concurrency, host.Time).SendAsync(read, options, ct);
            return (reminders.ExitCode, read);
        }, cancellationToken);
        return new RemindUseCaseResult(exit, reminders, note);
    }

    private delegate Task<(int ExitCode, Report? Report)> Body(RunFile run, ILedger ledger, ServiceConnection service, CancellationToken cancellationToken);

    private static async Task<(int ExitCode, Report? Report, string? Note)> SessionAsync(string command, string runFilePath, UseCaseHost host,
        DiagnosticBag diagnostics, Body body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var run = RunFileInput.Load(runFilePath, host, diagnostics);
        if (run is null)
        {
            return (ExitCodes.InputUnusable, null, null);
        }
        if (!LedgerAccess.Exists(run))
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.LedgerUnusable,
                $"there is no ledger yet, so nothing was sent: `run` first, then `{command}`.", new SourceLocation(run.LedgerPath)));
            return (ExitCodes.InputUnusable, null, null);
        }
        var (ledger, refused) = LedgerAccess.OpenForWriting(run, host, diagnostics, $"Wait for it to finish, then `{command}` again.");
        if (ledger is null)
        {
            return (refused, null, null);
        }
        using (ledger)
        {
            try
            {
                await using var service = await ServiceConnection.OpenAsync(run, host);
                await service.Pool.ConnectAsync(cancellationToken);
                var (exit, report) = await body(run, ledger, service, cancellationToken);
                return (exit, report, null);
            }
            catch (KaizalaConnectionException ex)
            {
                diagnostics.Add(ServiceConnection.Refused(run, ex));
                return (ExitCodes.InputUnusable, null, null);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C stops reading; what was read so far is already in the ledger.
                return (ExitCodes.Stopped, null, $"{command} stopped; the responses read so far are kept in the ledger.");
            }
        }
    }

    private static async Task<Report> ReadAsync(RolloutReport report, IReadOnlySet<string>? only, bool refresh, IReadBackObserver? observer,
        CancellationToken cancellationToken)
    {
        observer ??= new Silent();
        observer.Planned(report.Prepare(only, cancellationToken), refresh);
        return await report.BuildAsync(refresh, observer.Progress, cancellationToken);
    }

    private static void Write(Report report, Stream stream, string kind)
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
                using (var writer = new StreamWriter(stream))
                {
                    ResponseReportHtml.Write(writer, report);
                }
                break;
        }
    }
}
