using System.Threading.Channels;
using KaizalaBatch.Api;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KaizalaBatch.Sending;

/// <summary>The run loop (SPEC sections 2 and 4): takes the planned items through a bounded channel to
/// <see cref="BatchOptions.Concurrency"/> workers, each of which hands its item to the <see cref="ItemSender"/>, and keeps
/// the tally. Stops taking items on Ctrl-C, at <c>maxErrors</c>, when the connection stops working or when the ledger
/// cannot be written.</summary>
public sealed class BatchRunner
{
    private readonly BatchOptions _options;
    private readonly ILogger _logger;
    private readonly ItemSender _sender;
    private readonly SharedItems? _shared; // a run shared with runners on other machines

    public BatchRunner(KaizalaClient client, ILedger ledger, BatchOptions options, TimeProvider? time = null, ILogger? logger = null)
        : this(ConnectorPool.Of(client ?? throw new ArgumentNullException(nameof(client))), ledger, options, time, logger)
    {
    }

    /// <summary>A runner that spreads the items over a pool of connectors (<c>connection.connectors</c>).</summary>
    public BatchRunner(ConnectorPool pool, ILedger ledger, BatchOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxErrors);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1);
        if (!ledger.IsWritable)
        {
            throw new ArgumentException("Sending needs the ledger opened read-write (it holds the run lock).", nameof(ledger));
        }
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _sender = new ItemSender(pool, ledger, options, time ?? TimeProvider.System, _logger);
        _shared = ledger.Sharing is { } sharing ? new SharedItems(sharing, time ?? TimeProvider.System, _logger) : null;
    }

    /// <summary>Told how each item ended (sent, reconciled, failed, in doubt, invalid, or not started because the run
    /// stopped), with the reason, as it ends: a report can stream them instead of holding a run's worth. Called from the
    /// workers concurrently; it must be thread-safe and quick.</summary>
    public Action<ItemOutcome>? ItemEnded { get; init; }

    /// <summary>Executes the plan's decision for every item it hands over (<see cref="PlannedItem.TakenByRun"/>; the others
    /// are passed by). <paramref name="stop"/> (Ctrl-C) stops taking new items and starting new attempts; requests in
    /// flight finish and are recorded. <paramref name="abort"/> cancels requests in flight too (their items stay in doubt).</summary>
    /// <param name="totalItems">How many items the run takes, for <see cref="RunProgress.Remaining"/>; null if unknown.</param>
    public Task<RunSummary> RunAsync(IEnumerable<PlannedItem> items, IProgress<RunProgress>? progress = null, int? totalItems = null,
        CancellationToken stop = default, CancellationToken abort = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return RunAsync(AsAsync(items), progress, totalItems ?? (items is ICollection<PlannedItem> c ? c.Count(p => p.TakenByRun) : null), stop, abort);
    }

    private static async IAsyncEnumerable<PlannedItem> AsAsync(IEnumerable<PlannedItem> items)
    {
        foreach (var item in items)
        {
            yield return item;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc cref="RunAsync(IEnumerable{PlannedItem}, IProgress{RunProgress}?, int?, CancellationToken, CancellationToken)"/>
    public async Task<RunSummary> RunAsync(IAsyncEnumerable<PlannedItem> items, IProgress<RunProgress>? progress, int? totalItems,
        CancellationToken stop, CancellationToken abort)
    {
        ArgumentNullException.ThrowIfNull(items);
        var run = new RunTally(totalItems, progress);
        using var intake = CancellationTokenSource.CreateLinkedTokenSource(stop, abort);
        var channel = Channel.CreateBounded<PlannedItem>(new BoundedChannelOptions(_options.Concurrency * 2)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        if (_shared is not null)
        {
            // Each item claimed before a worker gets it; a claim the ledger cannot write stops the intake like any failed write.
            items = _shared.ClaimAsync(items, run, unwritable =>
            {
                run.StopFor(StopReason.LedgerUnwritable, unwritable.Message);
                intake.Cancel();
            }, intake.Token);
        }
        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in items.WithCancellation(intake.Token).ConfigureAwait(false))
                {
                    if (item.TakenByRun)
                    {
                        await channel.Writer.WriteAsync(item, intake.Token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (intake.IsCancellationRequested)
            {
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        }, CancellationToken.None);

        var workers = Enumerable.Range(0, _options.Concurrency)
            .Select(_ => Task.Run(() => WorkAsync(channel.Reader, run, intake, abort), CancellationToken.None))
            .ToList();

        // Workers first: they drain the channel even when the producer failed; its exception (a bug upstream) then surfaces.
        await Task.WhenAll(workers).ConfigureAwait(false);
        await producer.ConfigureAwait(false);
        if (stop.IsCancellationRequested || abort.IsCancellationRequested)
        {
            run.StopFor(StopReason.Cancelled, "stopped on request");
        }
        if (_shared is not null && run.Stopped is null)
        {
            run.AllTaken();
        }
        if (run.Stopped is not null && totalItems is { } total)
        {
            run.SetNotStarted(total - run.Handled);
        }
        return run.Summary();
    }

    private void Ended(PlannedItem planned, ItemResult result, string? reason)
    {
        if (ItemEnded is not { } ended)
        {
            return;
        }
        // An attempt's error is no reason once a later attempt succeeded.
        var why = result switch
        {
            ItemResult.Sent or ItemResult.Reconciled => null,
            ItemResult.NotStarted => reason ?? "not started: the run stopped first",
            _ => reason,
        };
        ended(new ItemOutcome(planned.Item.Action, planned.Item.Key, planned.Item.GroupId, result, why));
    }

    private async Task WorkAsync(ChannelReader<PlannedItem> items, RunTally run, CancellationTokenSource intake, CancellationToken abort)
    {
        await foreach (var next in items.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                await WorkOnAsync(next, run, intake, abort).ConfigureAwait(false);
            }
            finally
            {
                _shared?.Release(next.Item.Action, next.Item.Key);
            }
        }
    }

    private async Task WorkOnAsync(PlannedItem next, RunTally run, CancellationTokenSource intake, CancellationToken abort)
    {
        if (intake.IsCancellationRequested)
        {
            run.NotStarted();
            Ended(next, ItemResult.NotStarted, null);
            return;
        }
        run.Begin();
        var work = new ItemSender.Work(next);
        var action = next.Item.Action;
        var result = ItemResult.NotStarted;
        try
        {
            result = await _sender.SendAsync(work, intake.Token, abort).ConfigureAwait(false);
            run.End(action, result);
        }
        catch (ConnectionLostException lost)
        {
            result = lost.Result;
            work.Reason ??= lost.InnerException!.Message;
            run.End(action, result);
            if (run.StopFor(StopReason.ConnectionFailed, lost.InnerException!.Message))
            {
                _logger.LogError("Stopping the run: {Reason}", lost.InnerException.Message);
            }
            await intake.CancelAsync().ConfigureAwait(false);
        }
        catch (LedgerUnwritableException unwritable)
        {
            // The ledger refuses every in-doubt mark from now on, so no new request leaves; the others finish.
            result = work.CutShort;
            work.Reason = unwritable.Message;
            run.End(action, result);
            run.StopFor(StopReason.LedgerUnwritable, unwritable.Message);
            await intake.CancelAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            result = work.CutShort;
            work.Reason = "the run was aborted while its request was in flight";
            run.End(action, result);
        }
        catch (ClaimLostException lost)
        {
            // Another runner took it over (this runner's lease lapsed): it is that runner's now; no request left for it.
            _logger.LogWarning("{Reason}", lost.Message);
            result = ItemResult.TakenOver;
            work.Reason = lost.Message;
            run.End(action, result);
        }
        Ended(next, result, work.Reason);
        if (_options.MaxErrors > 0 && run.Errors >= _options.MaxErrors
            && run.StopFor(StopReason.MaxErrors, $"{run.Errors} items failed (maxErrors {_options.MaxErrors})"))
        {
            _logger.LogWarning("Stopping the run: {Errors} items failed, maxErrors is {MaxErrors}", run.Errors, _options.MaxErrors);
            await intake.CancelAsync().ConfigureAwait(false);
        }
    }
}
