using KaizalaBatch.Api;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using KaizalaBatch.Reports;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Sending;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.UseCases;

/// <summary>What <c>run</c> is asked to do.</summary>
/// <param name="Only">Send only these actions; null: all.</param>
/// <param name="Limit">Send at most this many items (in-doubt items are always reconciled).</param>
/// <param name="ResendChanged">Send again the items whose content changed since they were sent.</param>
/// <param name="MaxErrors">Stop after this many failed items (0: never); overrides <c>limits.maxErrors</c>.</param>
public sealed record RunRequest(IReadOnlySet<string>? Only = null, int? Limit = null, bool ResendChanged = false, int? MaxErrors = null)
{
    /// <summary><c>--junit</c>: write a JUnit XML report there, one test case per item (<see cref="JUnitReport"/>).</summary>
    public OutputTarget? JUnit { get; init; }
}

/// <summary>What <c>run</c> came to.</summary>
/// <param name="Run">The run file; null when it is unusable.</param>
/// <param name="Check">The first pass (validation and the plan's counts); null when it did not complete.</param>
/// <param name="Summary">What the send pass did; null when nothing was handed to it.</param>
/// <param name="Note">A user-facing line on why the run ended early, when it did; never holds a secret.</param>
public sealed record RunResult(int ExitCode, RunFile? Run, PlanPassResult? Check, RunSummary? Summary, string? Note = null)
{
    /// <summary>How many of the items that failed or stayed in doubt <see cref="Failures"/> holds at most.</summary>
    public const int FailuresListed = 20;

    /// <summary>The first <see cref="FailuresListed"/> items that failed or stayed in doubt, in the order they ended, with
    /// their reasons; <see cref="Summary"/> counts them all.</summary>
    public IReadOnlyList<ItemOutcome> Failures { get; init; } = [];

    /// <summary>The send pass rendered the items again instead of taking the check pass's (more than
    /// <see cref="CheckedItems.MaxKept"/> to send, or the ledger was created with another <c>run.startedAt</c>).</summary>
    public bool RenderedAgain { get; init; }
}

/// <summary>What a host may do while a run goes: show the warnings of the check, and progress while sending.</summary>
public interface IRunObserver
{
    /// <summary>The first pass is done and the input usable; nothing is sent yet.</summary>
    void Checked(PlanPassResult check)
    {
    }

    /// <summary>Wraps the send pass of <paramref name="items"/> items; a host shows progress while <paramref name="send"/> runs,
    /// with the ETA from the pace's own schedule (<paramref name="pace"/>).</summary>
    Task<RunSummary> SendingAsync(int items, IPaceView pace, Func<IProgress<RunProgress>?, Task<RunSummary>> send) => send(null);
}

/// <summary><c>run</c>: checks the whole input first (so that an unusable input sends nothing), then renders again,
/// streaming, and sends every item the plan says to send, within the service's limits, recording each outcome.</summary>
public static class RunUseCase
{
    private sealed class Silent : IRunObserver;

    /// <param name="stop">Stop taking new items; requests in flight finish and are recorded (exit 3).</param>
    /// <param name="abort">Give up on requests in flight too (their items stay in doubt).</param>
    public static async Task<RunResult> ExecuteAsync(string runFilePath, RunRequest request, UseCaseHost host, DiagnosticBag diagnostics,
        IRunObserver? observer, CancellationToken stop, CancellationToken abort)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(diagnostics);
        observer ??= new Silent();
        var run = RunFileInput.Load(runFilePath, host, diagnostics);
        if (run is null)
        {
            return new RunResult(ExitCodes.InputUnusable, null, null, null);
        }
        using var outcomes = RunOutcomes.Open(run, request.JUnit, diagnostics);
        if (outcomes is null)
        {
            return new RunResult(ExitCodes.InputUnusable, run, null, null);
        }
        var result = await CheckAndSendAsync(run, request, host, diagnostics, observer, outcomes, stop, abort);
        outcomes.Complete();
        return result with { Failures = outcomes.Failures };
    }

    private static async Task<RunResult> CheckAndSendAsync(RunFile run, RunRequest request, UseCaseHost host, DiagnosticBag diagnostics,
        IRunObserver observer, RunOutcomes outcomes, CancellationToken stop, CancellationToken abort)
    {
        // An existing ledger is locked before anything else, so that a second run is refused at once (exit 3). A first
        // run creates its ledger only once the input has passed the check: an unusable input leaves no trace.
        ILedger? ledger = null;
        const string Locked = "Wait for that run to finish; nothing was sent.";
        if (LedgerAccess.Exists(run))
        {
            (ledger, var refused) = LedgerAccess.OpenForWriting(run, host, diagnostics, Locked, shared: true);
            if (ledger is null)
            {
                return new RunResult(refused, run, null, null);
            }
        }
        try
        {
            var planOptions = new PlanOptions(request.ResendChanged, request.Limit);
            PlanPassResult check;
            CheckedItems kept;
            try
            {
                using var reader = ledger is null ? Ledgers.Open(run.LedgerPath, LedgerMode.ReadOnly, host.Time, LedgerAccess.Options(run)) : null;
                var plannedAgainst = ledger ?? reader!;
                var render = LedgerAccess.RenderOptions(plannedAgainst, host, request.Only);
                kept = new CheckedItems(render.StartedAt);
                check = PlanPass.Run(run, plannedAgainst.Reader(), render, planOptions, diagnostics, planned =>
                {
                    outcomes.Planned(planned);
                    kept.Add(planned);
                }, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return new RunResult(ExitCodes.Stopped, run, null, null, "run stopped before anything was sent.");
            }
            if (check.ExitCode == ExitCodes.InputUnusable)
            {
                return new RunResult(ExitCodes.InputUnusable, run, check, null);
            }
            observer.Checked(check);
            var toSend = ItemsToSend(check.Plan.Totals, request);
            if (toSend == 0 && check.InvalidItems == 0)
            {
                return new RunResult(ExitCodes.Done, run, check, null);
            }
            ServiceConnection? connected = null;
            try
            {
                if (ledger is null && !LedgerLocation.IsDatabase(run.LedgerPath))
                {
                    // A first run creates its ledger file only once the service has taken its connection and credentials
                    // too: a connection that cannot work is an unusable input (exit 2) and must leave no ledger behind. (A
                    // database ledger is shared by runners whose calls keep one pace: they connect through it, below.)
                    try
                    {
                        connected = await ServiceConnection.OpenConnectedAsync(run, host, diagnostics, stop);
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        return new RunResult(ExitCodes.Stopped, run, check, null, "run stopped before anything was sent.");
                    }
                    if (connected is null)
                    {
                        return new RunResult(ExitCodes.InputUnusable, run, check, null);
                    }
                }
                if (ledger is null)
                {
                    // Created with the check pass's run.startedAt, so that the items it kept stand for the send pass.
                    (ledger, var refused) = LedgerAccess.OpenForWriting(run, host, diagnostics, Locked, shared: true, createdAt: kept.StartedAt);
                    if (ledger is null)
                    {
                        return new RunResult(refused, run, check, null);
                    }
                }
                return await SendAsync(run, request, host, diagnostics, observer, ledger, connected, check, kept, toSend + check.InvalidItems, outcomes,
                    stop, abort);
            }
            finally
            {
                if (connected is not null)
                {
                    await connected.DisposeAsync();
                }
            }
        }
        finally
        {
            ledger?.Dispose();
        }
    }

    /// <param name="connected">The connection a first run opened before creating its ledger; used when its pace need not be
    /// shared with other runners (the caller disposes it).</param>
    private static async Task<RunResult> SendAsync(RunFile run, RunRequest request, UseCaseHost host, DiagnosticBag diagnostics,
        IRunObserver observer, ILedger ledger, ServiceConnection? connected, PlanPassResult check, CheckedItems kept, int total, RunOutcomes outcomes,
        CancellationToken stop, CancellationToken abort)
    {
        var reuse = connected is not null && ledger.Sharing is null;
        ServiceConnection service;
        try
        {
            service = reuse ? connected! : await ServiceConnection.OpenAsync(run, host, ledger.Sharing);
        }
        catch (KaizalaConnectionException ex)
        {
            diagnostics.Add(ServiceConnection.Refused(run, ex, "Nothing was sent."));
            return new RunResult(ExitCodes.InputUnusable, run, check, null);
        }
        await using (reuse ? null : service)
        {
            // A database ledger's writes are synchronous (durable before the request leaves), so each sender holds a pool
            // thread while its commit waits for the server. With the pool's default minimum (one thread per core) the
            // senders starve one another and the pool grows only slowly (bench/send-throughput.sh: 24 s -> 14 s at 64).
            // The SQLite ledger's senders await their group's commit instead, holding no thread.
            if (LedgerLocation.IsDatabase(run.LedgerPath))
            {
                ThreadPool.GetMinThreads(out var workers, out var completions);
                ThreadPool.SetMinThreads(Math.Max(workers, run.Limits.Concurrency * 2 + 4), completions);
            }

            // Credentials the token service refuses make the input unusable (exit 2, SPEC section 3), found before any item
            // is touched. A transient failure here is left to the run, which retries it per item.
            try
            {
                await service.Pool.ConnectAsync(stop);
            }
            catch (KaizalaConnectionException ex)
            {
                diagnostics.Add(ServiceConnection.Refused(run, ex, "Nothing was sent."));
                return new RunResult(ExitCodes.InputUnusable, run, check, null);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return new RunResult(ExitCodes.Stopped, run, check, null, "run stopped before anything was sent.");
            }
            var runner = new BatchRunner(service.Pool, ledger,
                new BatchOptions(run.Limits.MaxAttempts, request.MaxErrors ?? run.Limits.MaxErrors, run.Limits.Concurrency)
                {
                    ResendInDoubt = run.Limits.ResendInDoubt,
                    KeepPayloads = run.KeepPayloads,
                },
                host.Time, host.Loggers.CreateLogger<BatchRunner>())
            {
                ItemEnded = outcomes.Ended,
            };

            // The send pass: the check pass's items when it kept them and rendered with the ledger's creation time as
            // run.startedAt; else render again, streaming, into the sender, with that time (as every later run will). The
            // plan's decision per item travels with it; the sender does not re-derive it. (Another runner of a shared run
            // may have worked on an item since: each is claimed, and decided again under the claim, before it is sent.)
            var render = LedgerAccess.RenderOptions(ledger, host, request.Only);
            var checkedItems = kept.For(render.StartedAt);
            var items = checkedItems
                ?? PlanPass.Items(run, render, new DiagnosticBag(), new Plan(ledger, new PlanOptions(request.ResendChanged, request.Limit)),
                    CancellationToken.None);
            var summary = await observer.SendingAsync(total, service.Pace, progress => runner.RunAsync(items, progress, total, stop, abort));
            return new RunResult(summary.ExitCode, run, check, summary, summary.StopMessage is { } reason ? $"run stopped: {reason}" : null)
            {
                RenderedAgain = checkedItems is null,
            };
        }
    }

    /// <summary>How many items the run hands to the sender besides invalid ones: what the plan marks to send, and every
    /// in-doubt item (reconciled first, and sent only if the read-back does not find it).</summary>
    private static int ItemsToSend(PlanCounts totals, RunRequest request)
    {
        var sendable = totals.New + totals.Retry + (request.ResendChanged ? totals.Changed : 0);
        return (request.Limit is { } limit ? Math.Min(limit, sendable) : sendable) + totals.InDoubt;
    }
}
