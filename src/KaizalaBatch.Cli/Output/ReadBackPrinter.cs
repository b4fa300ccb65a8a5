using KaizalaBatch.Api;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Ledger;
using KaizalaBatch.Responses;
using KaizalaBatch.RunFiles;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Cli.Commands;

/// <summary>What report and remind share: the run file, its ledger opened for writing (the read responses and the reminders
/// are kept there; another run holding it is exit 3), the connection checked, and the responses read back with the plan
/// said up front and progress on stderr.</summary>
public static class ReadBackSession
{
    public delegate Task<int> Body(RunFile run, RunLedger ledger, ServiceConnection service, CancellationToken cancellationToken);

    public static async Task<int> RunAsync(string command, string runFilePath, ILoggerFactory loggers, TextWriter error, Body body,
        CancellationToken cancellationToken)
    {
        var run = RunInput.Load(runFilePath, new DiagnosticWriter(error));
        if (run is null)
        {
            return ExitCodes.InputUnusable;
        }
        if (!File.Exists(run.LedgerPath))
        {
            await error.WriteLineAsync($"{run.LedgerPath}: error: there is no ledger yet, so nothing was sent: `run` first, then `{command}`.");
            return ExitCodes.InputUnusable;
        }
        RunLedger ledger;
        try
        {
            ledger = RunLedger.Open(run.LedgerPath, LedgerMode.ReadWrite);
        }
        catch (LedgerLockedException ex)
        {
            await error.WriteLineAsync($"{run.LedgerPath}: error: {ex.Message} Wait for it to finish, then `{command}` again.");
            return ExitCodes.Stopped;
        }
        catch (Exception ex) when (ex is LedgerSchemaException or Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{run.LedgerPath}: error: cannot open the ledger: {ex.Message.Split('\n')[0]}");
            return ExitCodes.InputUnusable;
        }
        using (ledger)
        {
            // Ctrl-C stops reading; what was read so far is already in the ledger.
            using var signals = new StopSignals();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, signals.Stop);
            cancellationToken = stop.Token;
            try
            {
                await using var service = await ServiceConnection.OpenAsync(run, loggers);
                await service.Client.ConnectAsync(cancellationToken);
                return await body(run, ledger, service, cancellationToken);
            }
            catch (KaizalaConnectionException ex)
            {
                await error.WriteLineAsync($"{runFilePath}: error: {ex.Message}");
                return ExitCodes.InputUnusable;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync($"{command} stopped; the responses read so far are kept in the ledger.");
                return ExitCodes.Stopped;
            }
        }
    }

    /// <summary>Says what reading will cost, reads with progress lines, and returns the report.</summary>
    public static async Task<Report> ReadAsync(RolloutReport report, ReadPlan plan, bool refresh, TextWriter error, CancellationToken cancellationToken)
    {
        foreach (var skipped in plan.Skipped)
        {
            await error.WriteLineAsync($"{skipped.Action}: {skipped.Items} {skipped.Type} items skipped: {skipped.Reason}.");
        }
        await error.WriteLineAsync(
            $"Reading the responses of {plan.Items - plan.Skipped.Sum(s => s.Items)} items: {plan.MinCalls} calls ({plan.ListCalls} list, {plan.PollCalls} Poll details)"
            + (plan.MaxDetailCalls > 0 ? $", then a details call for each item whose response count changed{(refresh ? "" : " since the last report")} (at most {plan.MaxDetailCalls})" : "")
            + $"; at {(plan.PerMinute > 0 ? $"{plan.PerMinute} calls a minute" : "no limit")} that takes {Minutes(plan.Duration(plan.MinCalls))}"
            + (plan.MaxDetailCalls > 0 ? $" to {Minutes(plan.Duration(plan.MaxCalls))}." : "."));
        var step = Math.Max(1, (plan.Items + 9) / 10);
        var lastShown = 0;
        var gate = new Lock();
        return await report.BuildAsync(refresh, progress =>
        {
            lock (gate)
            {
                if (progress.ItemsRead - lastShown >= step || progress.ItemsRead == progress.Items)
                {
                    lastShown = progress.ItemsRead;
                    error.WriteLine($"read {progress.ItemsRead}/{progress.Items} items ({progress.Calls} calls)");
                }
            }
        }, cancellationToken);
    }

    private static string Minutes(TimeSpan duration) =>
        duration < TimeSpan.FromMinutes(1) ? $"{Math.Ceiling(duration.TotalSeconds)} s" : $"{Math.Ceiling(duration.TotalMinutes)} min";
}
