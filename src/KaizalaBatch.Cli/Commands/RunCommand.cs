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
                RunSummaryPrinter.Write(output, run, check.Plan, result.Summary, request);
                if (result.Summary is { } summary)
                {
                    RunSummaryPrinter.WriteFailures(output, result.Failures, summary.Failed + summary.InDoubt);
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
}
