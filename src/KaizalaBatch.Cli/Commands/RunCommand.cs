using System.CommandLine;
using System.Globalization;
using KaizalaBatch.Api;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Emulator;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Sending;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace KaizalaBatch.Cli.Commands;

/// <summary><c>kaizala-batch run RUN.yaml</c>: sends every item the plan says to send, within the service's limits,
/// recording each outcome in the ledger.</summary>
public static class RunCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var runFile = CommonArguments.RunFile();
        var dryRun = new Option<bool>("--dry-run") { Description = "Do not send: the same as plan." };
        var only = new Option<string[]>("--only") { Description = "Send only this action (repeat for several).", AllowMultipleArgumentsPerToken = false };
        var limit = new Option<int?>("--limit") { Description = "Send at most N items in this run (in-doubt items are always reconciled)." };
        var resendChanged = new Option<bool>("--resend-changed") { Description = "Send again the items whose content changed since they were sent." };
        var maxErrors = new Option<int?>("--max-errors") { Description = "Stop after this many failed items (0: never); overrides limits.maxErrors." };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1)
            {
                r.AddError("--limit must be at least 1.");
            }
        });
        maxErrors.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 0)
            {
                r.AddError("--max-errors must not be negative.");
            }
        });
        var command = new Command("run", "Send the batch: every new, retried and (with --resend-changed) changed item; in-doubt items are reconciled first. A progress bar on a terminal, log lines elsewhere. Ctrl-C stops taking new items, lets requests in flight finish, records them and exits 3.")
        {
            runFile, dryRun, only, limit, resendChanged, maxErrors,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(dryRun))
            {
                return PlanCommand.Execute(parse.GetRequiredValue(runFile), null, null, output, error, cancellationToken);
            }
            var options = new RunRequest(
                parse.GetValue(only) is { Length: > 0 } names ? names.ToHashSet(StringComparer.Ordinal) : null,
                parse.GetValue(limit), parse.GetValue(resendChanged), parse.GetValue(maxErrors));
            using var loggers = Logging.Create(parse);
            return await ExecuteAsync(parse.GetRequiredValue(runFile), options, loggers, output, error);
        });
        return command;
    }

    private sealed record RunRequest(IReadOnlySet<string>? Only, int? Limit, bool ResendChanged, int? MaxErrors);

    private static async Task<int> ExecuteAsync(string runFilePath, RunRequest request, ILoggerFactory loggers, TextWriter output, TextWriter error)
    {
        var logger = loggers.CreateLogger("kaizala-batch");
        var diagnostics = new DiagnosticWriter(error);
        var run = RunInput.Load(runFilePath, diagnostics);
        if (run is null)
        {
            await output.WriteLineAsync($"run: the run file is unusable ({Counted.Of(diagnostics.Errors, "error")}); nothing was sent.");
            return ExitCodes.InputUnusable;
        }

        // An existing ledger is locked before anything else, so that a second run is refused at once (exit 3). A first
        // run creates its ledger only once the input has passed the check: an unusable input leaves no trace.
        RunLedger? ledger = null;
        if (File.Exists(run.LedgerPath))
        {
            (ledger, var refused) = await OpenForRunAsync(run, error);
            if (ledger is null)
            {
                return refused;
            }
        }
        RunLedger? absent = null;
        try
        {
            var planOptions = new PlanOptions(request.ResendChanged, request.Limit);

            // From here on Ctrl-C is ours: during the first pass it ends the run at once (exit 3) instead of killing it.
            using var signals = new StopSignals(message => logger.LogWarning("{Message}", message));

            // First pass: validate every row and count, so that an unusable input sends nothing at all.
            var reader = ledger ?? (absent = RunLedger.Open(run.LedgerPath, LedgerMode.ReadOnly));
            PlanPassResult check;
            try
            {
                check = PlanPass.Run(run, reader.Reader(), LedgerAccess.RenderOptions(reader, request.Only), planOptions, diagnostics, null, signals.Stop);
            }
            catch (OperationCanceledException) when (signals.Stop.IsCancellationRequested)
            {
                await error.WriteLineAsync("run stopped before anything was sent.");
                return ExitCodes.Stopped;
            }
            if (check.ExitCode == ExitCodes.InputUnusable)
            {
                await output.WriteLineAsync($"run: {Counted.Of(check.InputErrors, "input error")}; nothing was sent.");
                return ExitCodes.InputUnusable;
            }
            PlanCommand.WriteReadBackAmbiguities(error, check.Plan);
            var toSend = ToSend(check.Plan.Totals, request);
            var skipped = check.Plan.CountsByAction.ToDictionary(p => p.Key, p => p.Value);
            if (toSend == 0 && check.InvalidItems == 0)
            {
                WriteSummary(output, run, skipped, null, request.ResendChanged);
                return ExitCodes.Done;
            }

            if (ledger is null)
            {
                absent!.Dispose();
                (ledger, var refused) = await OpenForRunAsync(run, error);
                if (ledger is null)
                {
                    return refused;
                }
            }
            // The send pass renders with the ledger's creation time as run.startedAt, as every later run will.
            var render = LedgerAccess.RenderOptions(ledger, request.Only);

            ServiceConnection service;
            try
            {
                service = await ServiceConnection.OpenAsync(run, loggers);
            }
            catch (KaizalaConnectionException ex)
            {
                await error.WriteLineAsync($"{runFilePath}: error: {ex.Message}");
                return ExitCodes.InputUnusable;
            }
            await using (service)
            {
                var (emulator, client) = (service.Emulator, service.Client);
                if (emulator is not null)
                {
                    logger.LogInformation("Sending to the embedded Kaizala emulator at {Url}", emulator.BaseUrl);
                }
                // Ledger writes are synchronous (durable before the request leaves), so each sender holds a pool thread
                // while its commit waits for the disk. With the pool's default minimum (one thread per core) the senders
                // starve one another and the pool grows only slowly (bench/send-throughput.sh: 24 s -> 14 s at 64).
                ThreadPool.GetMinThreads(out var workers, out var completions);
                ThreadPool.SetMinThreads(Math.Max(workers, run.Limits.Concurrency * 2 + 4), completions);

                // Credentials the token service refuses make the input unusable (exit 2, SPEC section 3), found before
                // any item is touched. A transient failure here is left to the run, which retries it per item.
                try
                {
                    await client.ConnectAsync(signals.Stop);
                }
                catch (KaizalaConnectionException ex)
                {
                    await error.WriteLineAsync($"{runFilePath}: error: {ex.Message} Nothing was sent.");
                    return ExitCodes.InputUnusable;
                }
                catch (OperationCanceledException) when (signals.Stop.IsCancellationRequested)
                {
                    await error.WriteLineAsync("run stopped before anything was sent.");
                    return ExitCodes.Stopped;
                }
                var runner = new BatchRunner(client, ledger,
                    new BatchOptions(run.Limits.MaxAttempts, request.MaxErrors ?? run.Limits.MaxErrors, run.Limits.Concurrency)
                    {
                        ResendInDoubt = run.Limits.ResendInDoubt,
                    },
                    TimeProvider.System, loggers.CreateLogger<BatchRunner>());

                // Second pass: render again, streaming, into the sender.
                var plan = new Plan(ledger, planOptions);
                var items = PlanPass.Items(run, render, new DiagnosticWriter(TextWriter.Null), plan, CancellationToken.None)
                    .Select(ToItem).OfType<ItemToSend>();
                var progress = new ProgressReporter(logger, TimeProvider.System, error as LiveLogWriter);
                var console = Terminal.IsInteractive(output) ? Terminal.Create(output) : null;
                var total = toSend + check.InvalidItems;
                var summary = await progress.ShowAsync(console, total,
                    () => runner.RunAsync(items, progress, total, signals.Stop, signals.Abort));
                WriteSummary(output, run, skipped, summary, request.ResendChanged);
                if (summary.StopMessage is { } reason)
                {
                    await error.WriteLineAsync($"run stopped: {reason}");
                }
                return summary.ExitCode;
            }
        }
        finally
        {
            ledger?.Dispose();
            absent?.Dispose();
        }
    }

    /// <summary>Opens the ledger for this run and takes its lock; null with the exit code when it cannot (3: another run
    /// holds it; 2: the file cannot be used).</summary>
    private static async Task<(RunLedger? Ledger, int ExitCode)> OpenForRunAsync(RunFile run, TextWriter error)
    {
        try
        {
            return (RunLedger.Open(run.LedgerPath, LedgerMode.ReadWrite), ExitCodes.Done);
        }
        catch (LedgerLockedException ex)
        {
            var holder = ex.Holder is { } h
                ? $"process {h.ProcessId} on {h.Host}, running since {h.StartedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}"
                : "another process";
            await error.WriteLineAsync($"{run.LedgerPath}: error: the ledger is locked by {holder}. Wait for that run to finish; nothing was sent.");
            return (null, ExitCodes.Stopped);
        }
        catch (Exception ex) when (ex is LedgerSchemaException or Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{run.LedgerPath}: error: cannot open the ledger: {ex.Message.Split('\n')[0]}");
            return (null, ExitCodes.InputUnusable);
        }
    }

    /// <summary>How many items the run hands to the sender: what the plan marks to send, and every in-doubt item
    /// (reconciled first, and sent only if the read-back does not find it).</summary>
    private static int ToSend(PlanCounts totals, RunRequest request)
    {
        var sendable = totals.New + totals.Retry + (request.ResendChanged ? totals.Changed : 0);
        return (request.Limit is { } limit ? Math.Min(limit, sendable) : sendable) + totals.InDoubt;
    }

    private static ItemToSend? ToItem(PlannedItem planned) => planned.Category switch
    {
        PlanCategory.Invalid => new ItemToSend(planned.Item, SendReason.New),
        PlanCategory.InDoubt => new ItemToSend(planned.Item, SendReason.InDoubt),
        _ when !planned.Send => null,
        PlanCategory.New => new ItemToSend(planned.Item, SendReason.New),
        PlanCategory.Retry => new ItemToSend(planned.Item, SendReason.Retry),
        PlanCategory.Changed => new ItemToSend(planned.Item, SendReason.Changed),
        _ => null,
    };

    private static void WriteSummary(TextWriter output, RunFile run, IReadOnlyDictionary<string, PlanCounts> plan, RunSummary? summary, bool resendChanged)
    {
        var console = Terminal.Create(output);
        var table = new Table().Title($"run: {Markup.Escape(run.Name)}").Border(TableBorder.Simple);
        foreach (var column in new[] { "action", "sent", "reconciled", "failed", "in-doubt", "invalid", "unchanged", "skipped (changed)" })
        {
            table.AddColumn(column == "action" ? new TableColumn(column) : new TableColumn(column).RightAligned());
        }
        foreach (var (action, counts) in plan)
        {
            var result = summary?.Actions.FirstOrDefault(a => a.Action == action);
            table.AddRow(Markup.Escape(action), N(result?.Sent), N(result?.Reconciled), N(result?.Failed), N(result?.InDoubt),
                N(result?.Invalid ?? counts.Invalid), N(counts.Unchanged), N(resendChanged ? 0 : counts.Changed));
        }
        console.Write(table);
        if (summary is { NotStarted: > 0 })
        {
            console.MarkupLine(summary.NotStarted == 1
                ? "1 item was not started; the next run takes it."
                : $"{summary.NotStarted} items were not started; the next run takes them.");
        }
        if (summary is { InDoubt: > 0 })
        {
            var count = summary.InDoubt == 1 ? "1 item stays" : $"{summary.InDoubt} items stay";
            console.WriteLine($"{count} in doubt: a request went out and no answer came back, and the service's read-back cannot "
                + "tell whether it created the Action (some types cannot be listed at all). Check those groups, then settle them with "
                + $"`resolve {Path.GetFileName(run.Path)} --as sent` or `--as not-sent` (the next run then sends them); `status` lists them.");
        }
        if (summary is null)
        {
            var totals = plan.Values.Aggregate(0, (sum, c) => sum + c.Total);
            var changed = resendChanged ? 0 : plan.Values.Sum(c => c.Changed);
            console.MarkupLine(Markup.Escape(totals == 0
                ? "Nothing to send: no CSV row became an item (see the warnings above)."
                : changed > 0
                ? $"Nothing to send: the ledger has every item; {Counted.Of(changed, "item")} changed since sent (--resend-changed sends them)."
                : "Nothing to send: the ledger has every item, unchanged."));
        }
    }

    private static string N(int? value) => (value ?? 0).ToString(CultureInfo.InvariantCulture);
}
