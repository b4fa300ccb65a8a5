using System.Globalization;
using KaizalaBatch.Sending;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace KaizalaBatch.Cli.Output;

/// <summary>Shows a run's progress: a live bar on a terminal, a plain log line every few seconds elsewhere (CI logs,
/// pipes), so that neither floods nor stays silent. The ETA comes from the pace's own schedule (what the window lets
/// through and when), not from the recent rate; "on the wire" counts requests sent and not yet answered; while the next
/// call waits for room in the rate window (or a 429's Retry-After) the bar says so, with how long.</summary>
/// <param name="logs">stderr when it is a terminal: while the bar is live, log lines go above it through the bar's console.</param>
public sealed class ProgressReporter(ILogger logger, TimeProvider time, IPaceView pace, LiveLogWriter? logs = null) : IProgress<RunProgress>
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(5);
    private readonly Lock gate = new();
    private readonly DateTimeOffset started = time.GetUtcNow();
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
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new EtaColumn(this), new SpinnerColumn())
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

    /// <summary>What the bar and the log line say besides the counts: the requests on the wire, and a wait for the window.</summary>
    public string Status(RunProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var snapshot = pace.Snapshot();
        var text = string.Create(CultureInfo.InvariantCulture,
            $"sent {p.Sent}  reconciled {p.Reconciled}  failed {p.Failed}  in-doubt {p.InDoubt}  on the wire {snapshot.OnTheWire}");
        if (snapshot.WaitingUntil is { } until && until - time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
        {
            text += snapshot.Throttled
                ? $"  · throttled by the service, waiting {Duration(wait)}"
                : $"  · waiting for the rate window ({snapshot.PerMinute}/min), {Duration(wait)}";
        }
        return text;
    }

    /// <summary>The time left: the pace's schedule for the items not done yet (one call each); with no limit, the recent
    /// rate. Null when nothing can be said yet.</summary>
    public TimeSpan? Remaining(RunProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.Remaining is not { } remaining)
        {
            return null;
        }
        if (pace.EstimateFor(remaining) is { } scheduled)
        {
            return scheduled;
        }
        var done = p.Sent + p.Reconciled + p.Failed + p.InDoubt;
        var elapsed = time.GetUtcNow() - started;
        return done == 0 ? null : elapsed / done * remaining;
    }

    private void Update(ProgressTask task, RunProgress p)
    {
        // Remaining counts every item handled, invalid ones included (they have no counter of their own here).
        task.Value = p.Remaining is { } remaining ? task.MaxValue - remaining : p.Sent + p.Reconciled + p.Failed + p.InDoubt;
        task.Description = Status(p);
    }

    private void Log(RunProgress p)
    {
        logged = p;
        var eta = Remaining(p) is { } left ? Duration(left) : "?";
        logger.LogInformation("Progress: {Status}; {Remaining} remaining, about {Eta} to go",
            Status(p), p.Remaining?.ToString(CultureInfo.InvariantCulture) ?? "?", eta);
    }

    /// <summary>"45 s", "3 min 10 s", "2 h 5 min".</summary>
    public static string Duration(TimeSpan span) =>
        span < TimeSpan.FromMinutes(1) ? $"{Math.Ceiling(span.TotalSeconds):0} s"
        : span < TimeSpan.FromHours(1) ? $"{(int)span.TotalMinutes} min {span.Seconds} s"
        : $"{(int)span.TotalHours} h {span.Minutes} min";

    /// <summary>The ETA column: the reporter's schedule-based estimate instead of Spectre's rate-based one.</summary>
    private sealed class EtaColumn(ProgressReporter reporter) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            RunProgress? p;
            lock (reporter.gate)
            {
                p = reporter.last;
            }
            var left = task.IsFinished ? TimeSpan.Zero : p is null ? null : reporter.Remaining(p);
            return new Markup(left is { } span ? $"[blue]ETA {Duration(span)}[/]" : "[blue]ETA ?[/]");
        }
    }
}
