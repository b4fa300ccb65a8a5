using System.CommandLine;
using System.Globalization;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Sending;
using KaizalaBatch.UseCases;
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
        var junit = new Option<FileInfo?>("--junit") { Description = "Write a JUnit XML report to this file for CI: one test case per item, failed, in-doubt and invalid items as failures with their reason." };
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
            runFile, dryRun, only, limit, resendChanged, maxErrors, junit,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var loggers = Logging.Create(parse);
            var host = Host.For(loggers);
            if (parse.GetValue(dryRun))
            {
                return await PlanCommand.ExecuteAsync(parse.GetRequiredValue(runFile), new PlanRequest(), host, output, error, cancellationToken);
            }
            var request = new RunRequest(
                parse.GetValue(only) is { Length: > 0 } names ? names.ToHashSet(StringComparer.Ordinal) : null,
                parse.GetValue(limit), parse.GetValue(resendChanged), parse.GetValue(maxErrors))
            {
                JUnit = parse.GetValue(junit) is { } report ? OutputTarget.File(report.FullName) : null,
            };
            var logger = loggers.CreateLogger("kaizala-batch");
            var diagnostics = DiagnosticWriter.Printing(error);
            // From here on Ctrl-C is ours: before sending it ends the run at once (exit 3); while sending it stops taking
            // new items and lets those in flight be recorded.
            using var signals = new StopSignals(message => logger.LogWarning("{Message}", message));
            var observer = new Observer(output, error, logger);
            var result = await RunUseCase.ExecuteAsync(parse.GetRequiredValue(runFile), request, host, diagnostics, observer, signals.Stop, signals.Abort);
            diagnostics.WriteOmittedNote(error);
            if (result.Check is { } check && result.Run is { } run && (result.Summary is not null || result.ExitCode == ExitCodes.Done))
            {
                WriteSummary(output, run, check.Plan, result.Summary, request);
                if (result.Summary is { } summary)
                {
                    WriteFailures(output, result.Failures, summary.Failed + summary.InDoubt);
                }
            }
            else if (result.ExitCode == ExitCodes.InputUnusable && result.Check is { InputErrors: > 0 } failed)
            {
                await output.WriteLineAsync($"run: {Counted.Of(failed.InputErrors, "input error")}; nothing was sent.");
            }
            else if (result.Run is null)
            {
                await output.WriteLineAsync($"run: the run file is unusable ({Counted.Of(diagnostics.Errors, "error")}); nothing was sent.");
            }
            if (result.Note is { } note)
            {
                await error.WriteLineAsync(note);
            }
            return result.ExitCode;
        });
        return command;
    }

    /// <summary>Warns of read-back ambiguities before sending, and shows progress while sending.</summary>
    private sealed class Observer(TextWriter output, TextWriter error, ILogger logger) : IRunObserver
    {
        public void Checked(PlanPassResult check) => PlanCommand.WriteReadBackAmbiguities(error, check.Plan);

        public Task<RunSummary> SendingAsync(int items, IPaceView pace, Func<IProgress<RunProgress>?, Task<RunSummary>> send)
        {
            var progress = new ProgressReporter(logger, TimeProvider.System, pace, error as LiveLogWriter);
            var console = Terminal.IsInteractive(output) ? Terminal.Create(output) : null;
            return progress.ShowAsync(console, items, () => send(progress));
        }
    }

    private static void WriteSummary(TextWriter output, RunFile run, Plan plan, RunSummary? summary, RunRequest request)
    {
        var console = Terminal.Create(output);
        Tables.Run(console, run, plan, summary, request.ResendChanged, request.Only);
        // Sentences go to the writer as they are: the console would wrap them at 80 columns, mid-command.
        if (summary is { NotStarted: > 0 })
        {
            output.WriteLine(summary.NotStarted == 1
                ? "1 item was not started; the next run takes it."
                : $"{summary.NotStarted} items were not started; the next run takes them.");
        }
        if (summary is { InDoubt: > 0 })
        {
            var count = summary.InDoubt == 1 ? "1 item stays" : $"{summary.InDoubt} items stay";
            output.WriteLine($"{count} in doubt: a request went out and no answer came back, and the service's read-back cannot "
                + "tell whether it created the Action (some types cannot be listed at all). Check those groups, then settle them with "
                + $"`resolve {Path.GetFileName(run.Path)} --as sent` or `--as not-sent` (the next run then sends them); `status` lists them.");
        }
        var changed = request.ResendChanged ? 0 : plan.Totals.Changed;
        if (summary is null)
        {
            output.WriteLine(plan.Totals.Total == 0
                ? "Nothing to send: no CSV row became an item (see the warnings above)."
                : changed > 0
                ? $"Nothing to send: the ledger has every item; {Counted.Of(changed, "item")} changed since sent (--resend-changed sends them)."
                : "Nothing to send: the ledger has every item, unchanged.");
        }
        else if (changed > 0)
        {
            output.WriteLine($"{Counted.Of(changed, "item")} changed since sent {(changed == 1 ? "was" : "were")} not sent: "
                + "--resend-changed sends them (`plan` shows what changed).");
        }
    }

    /// <summary>The items that failed or stayed in doubt, with their reasons, in one place after the table (the log has
    /// them scattered among the rest).</summary>
    private static void WriteFailures(TextWriter output, IReadOnlyList<ItemOutcome> listed, int count)
    {
        if (count == 0)
        {
            return;
        }
        output.WriteLine($"{Counted.Of(count, "item")} failed or stayed in doubt:");
        foreach (var item in listed)
        {
            output.WriteLine($"  {item.Action}/{item.Key} (group {item.GroupId}): {(item.Result == ItemResult.InDoubt ? "in doubt" : "failed")}: {item.Reason}");
        }
        if (count > listed.Count)
        {
            output.WriteLine($"  and {count - listed.Count} more: `export` lists all.");
        }
    }

}
