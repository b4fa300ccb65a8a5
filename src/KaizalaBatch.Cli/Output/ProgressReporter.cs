using System.Globalization;
using KaizalaBatch.Sending;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace KaizalaBatch.Cli.Output;

/// <summary>Shows a run's progress: a live bar with counts and ETA on a terminal, a plain log line every few seconds
/// elsewhere (CI logs, pipes), so that neither floods nor stays silent.</summary>
/// <param name="logs">stderr when it is a terminal: while the bar is live, log lines go above it through the bar's console.</param>
public sealed class ProgressReporter(ILogger logger, TimeProvider time, LiveLogWriter? logs = null) : IProgress<RunProgress>
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(5);
    private readonly Lock gate = new();
    private RunProgress? last;
    private RunProgress? logged;
    private DateTimeOffset lastLogged = DateTimeOffset.MinValue;
    private ProgressTask? bar;

    public void Report(RunProgress value)
    {
        lock (gate)
        {
            last = value;
            if (bar is not null)
            {
                Update(bar, value);
                return;
            }
            var now = time.GetUtcNow();
            if (now - lastLogged >= LogEvery)
            {
                lastLogged = now;
                Log(value);
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> under a live progress bar when <paramref name="console"/> is interactive.</summary>
    public async Task<T> ShowAsync<T>(IAnsiConsole? console, int total, Func<Task<T>> work)
    {
        if (console is null || total == 0)
        {
            var result = await work();
            lock (gate)
            {
                if (last is { } final && final != logged)
                {
                    Log(final);
                }
            }
            return result;
        }
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                using var aboveTheBar = logs?.Attach(console);
                lock (gate)
                {
                    bar = context.AddTask("sending", maxValue: total);
                }
                var result = await work();
                lock (gate)
                {
                    if (last is { } final)
                    {
                        Update(bar!, final);
                    }
                    bar!.StopTask();
                }
                return result;
            });
    }

    private static void Update(ProgressTask task, RunProgress p)
    {
        // Remaining counts every item handled, invalid ones included (they have no counter of their own here).
        task.Value = p.Remaining is { } remaining ? task.MaxValue - remaining : p.Sent + p.Reconciled + p.Failed + p.InDoubt;
        task.Description = string.Create(CultureInfo.InvariantCulture,
            $"sent {p.Sent}  reconciled {p.Reconciled}  failed {p.Failed}  in-doubt {p.InDoubt}  in flight {p.InFlight}");
    }

    private void Log(RunProgress p)
    {
        logged = p;
        logger.LogInformation("Progress: {Sent} sent, {Reconciled} reconciled, {Failed} failed, {InDoubt} in doubt, {InFlight} in flight, {Remaining} remaining",
            p.Sent, p.Reconciled, p.Failed, p.InDoubt, p.InFlight, p.Remaining?.ToString(CultureInfo.InvariantCulture) ?? "?");
    }
}
