using KaizalaBatch.Actions;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using KaizalaBatch.Api;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace KaizalaBatch.Sending;

/// <summary>The run loop (SPEC sections 2 and 4): takes the planned items through a bounded channel to
/// <see cref="BatchOptions.Concurrency"/> workers; per item uploads its media (once per content hash), writes the ledger
/// before the request leaves and after the answer, retries transient failures with exponential backoff and jitter, and
/// reconciles by reading the group's actions back before it ever posts again after an unknown outcome.</summary>
public sealed class BatchRunner
{
    private readonly KaizalaClient _client;
    private readonly RunLedger _ledger;
    private readonly BatchOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<double> _jitter;
    private readonly ResiliencePipeline<Attempt> _retry;
    private readonly MediaUploader _media;
    private readonly Reconciler _reconciler;

    public BatchRunner(KaizalaClient client, RunLedger ledger, BatchOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxErrors);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1);
        if (ledger.Mode != LedgerMode.ReadWrite)
        {
            throw new ArgumentException("Sending needs the ledger opened read-write (it holds the run lock).", nameof(ledger));
        }
        _client = client;
        _ledger = ledger;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        var random = options.JitterSeed is { } seed ? new Random(seed) : new Random();
        var gate = new Lock();
        _jitter = () =>
        {
            lock (gate)
            {
                return random.NextDouble();
            }
        };
        _retry = BuildRetry();
        _media = new MediaUploader(client, ledger, BuildUploadRetry(), _logger);
        _reconciler = new Reconciler(client, ledger, client.ApplicationId, options.ReconcileSkew, _logger);
    }

    /// <summary>Sends every item. <paramref name="stop"/> (Ctrl-C) stops taking new items and starting new attempts; requests
    /// in flight finish and are recorded. <paramref name="abort"/> cancels requests in flight too (their items stay in doubt).</summary>
    /// <param name="totalItems">How many items <paramref name="items"/> holds, for <see cref="RunProgress.Remaining"/>; null if unknown.</param>
    public Task<RunSummary> RunAsync(IEnumerable<ItemToSend> items, IProgress<RunProgress>? progress = null, int? totalItems = null,
        CancellationToken stop = default, CancellationToken abort = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return RunAsync(AsAsync(items), progress, totalItems ?? (items is ICollection<ItemToSend> c ? c.Count : null), stop, abort);
    }

    private static async IAsyncEnumerable<ItemToSend> AsAsync(IEnumerable<ItemToSend> items)
    {
        foreach (var item in items)
        {
            yield return item;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc cref="RunAsync(IEnumerable{ItemToSend}, IProgress{RunProgress}?, int?, CancellationToken, CancellationToken)"/>
    public async Task<RunSummary> RunAsync(IAsyncEnumerable<ItemToSend> items, IProgress<RunProgress>? progress, int? totalItems,
        CancellationToken stop, CancellationToken abort)
    {
        ArgumentNullException.ThrowIfNull(items);
        var run = new RunState(totalItems, progress);
        using var intake = CancellationTokenSource.CreateLinkedTokenSource(stop, abort);
        var channel = Channel.CreateBounded<ItemToSend>(new BoundedChannelOptions(_options.Concurrency * 2)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in items.WithCancellation(intake.Token).ConfigureAwait(false))
                {
                    await channel.Writer.WriteAsync(item, intake.Token).ConfigureAwait(false);
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

        var workers = Enumerable.Range(0, _options.Concurrency).Select(_ => Task.Run(async () =>
        {
            await foreach (var next in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (intake.IsCancellationRequested)
                {
                    run.NotStarted();
                    continue;
                }
                run.Begin();
                try
                {
                    var result = await SendItemAsync(next, intake.Token, abort).ConfigureAwait(false);
                    run.End(next.Item.Action, result);
                }
                catch (ConnectionLostException lost)
                {
                    run.End(next.Item.Action, lost.Result);
                    if (run.StopFor(StopReason.ConnectionFailed, lost.InnerException!.Message))
                    {
                        _logger.LogError("Stopping the run: {Reason}", lost.InnerException.Message);
                    }
                    await intake.CancelAsync().ConfigureAwait(false);
                }
                catch (LedgerUnwritableException unwritable)
                {
                    // The ledger refuses every in-doubt mark from now on, so no new request leaves; the others finish.
                    run.End(next.Item.Action, AsRecorded(next.Item));
                    run.StopFor(StopReason.LedgerUnwritable, unwritable.Message);
                    await intake.CancelAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (abort.IsCancellationRequested)
                {
                    run.End(next.Item.Action, AsRecorded(next.Item));
                }
                if (_options.MaxErrors > 0 && run.Errors >= _options.MaxErrors && run.StopFor(StopReason.MaxErrors, $"{run.Errors} items failed (maxErrors {_options.MaxErrors})"))
                {
                    _logger.LogWarning("Stopping the run: {Errors} items failed, maxErrors is {MaxErrors}", run.Errors, _options.MaxErrors);
                    await intake.CancelAsync().ConfigureAwait(false);
                }
            }
        }, CancellationToken.None)).ToList();

        // Workers first: they drain the channel even when the producer failed; its exception (a bug upstream) then surfaces.
        await Task.WhenAll(workers).ConfigureAwait(false);
        await producer.ConfigureAwait(false);
        if (stop.IsCancellationRequested || abort.IsCancellationRequested)
        {
            run.StopFor(StopReason.Cancelled, "stopped on request");
        }
        if (run.Stopped is not null && totalItems is { } total)
        {
            run.SetNotStarted(total - run.Handled);
        }
        return run.Summary();
    }

    /// <summary>An item cut short (aborted, or its ledger write failed): in doubt if the ledger says a request may have
    /// left; else not started (an item still waiting for the pacer or a token never left, and the ledger has nothing new).</summary>
    private ItemResult AsRecorded(RenderedItem item)
    {
        try
        {
            return _ledger.FindRecord(item.Action, item.Key)?.State == ItemState.InDoubt ? ItemResult.InDoubt : ItemResult.NotStarted;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return ItemResult.InDoubt; // the ledger cannot even be read: the next run's plan says what it holds
        }
    }

    internal enum ItemResult
    {
        Sent,
        Reconciled,
        Failed,
        InDoubt,
        Skipped,
        NotStarted,
        Invalid,
    }

    /// <summary>The connection cannot work any more; carries how the item it hit was settled.</summary>
    private sealed class ConnectionLostException(ItemResult result, KaizalaConnectionException inner) : Exception(inner.Message, inner)
    {
        public ItemResult Result { get; } = result;
    }

    /// <summary>What one attempt came to: done (with a final result) or a transient outcome worth another attempt.</summary>
    private sealed record Attempt(ItemResult? Done, Transient? Retry);

    private async Task<ItemResult> SendItemAsync(ItemToSend next, CancellationToken stop, CancellationToken abort)
    {
        var item = next.Item;
        if (!item.IsValid || item.Body is null)
        {
            _ledger.MarkInvalid(item, string.Join("; ", item.Errors.Select(e => e.ToString())));
            return ItemResult.Invalid;
        }
        var record = _ledger.FindRecord(item.Action, item.Key);
        if (record?.State == ItemState.Sent && (record.ContentHash == item.ContentHash || next.Reason != SendReason.Changed))
        {
            _logger.LogDebug("{Action}/{Key} is already sent; skipped", item.Action, item.Key);
            return ItemResult.Skipped;
        }

        Dictionary<string, string>? media;
        try
        {
            (media, var uploadError) = await _media.ResolveAsync(item, stop, abort).ConfigureAwait(false);
            if (media is null)
            {
                _logger.LogWarning("{Action}/{Key}: {Error}", item.Action, item.Key, uploadError);
                _ledger.MarkFailedBeforeSending(item, uploadError!);
            }
        }
        catch (KaizalaConnectionException ex)
        {
            throw new ConnectionLostException(ItemResult.NotStarted, ex);
        }
        if (media is null)
        {
            return _ledger.FindRecord(item.Action, item.Key)?.State == ItemState.InDoubt ? ItemResult.InDoubt : ItemResult.Failed;
        }
        var request = ActionRequest.For(item, media);
        var kind = item.PackageId ?? item.ActionType;
        var title = ReadBackIdentity.TitleOf(kind, request.ActionBody);

        // An earlier run (or crash) may have left it in doubt: the read-back decides before anything is posted.
        var unresolved = record?.State == ItemState.InDoubt;

        Attempt last;
        var requestLeft = false;
        try
        {
            last = await _retry.ExecuteAsync(async _ =>
            {
                if (unresolved)
                {
                    if (await ReconcileAsync(item, kind, title, abort).ConfigureAwait(false) is { } settled)
                    {
                        return settled;
                    }
                    unresolved = false;
                }

                ApiOutcome outcome;
                var sentNow = false;
                try
                {
                    // The ledger says "in doubt", durably, the moment before the request leaves.
                    outcome = await _client.SendActionAsync(item.GroupId, request.Json, abort, stop, () =>
                    {
                        _ledger.MarkInDoubt(item, request.BodyHash, title, _time.GetUtcNow());
                        sentNow = requestLeft = true;
                    }).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested && !abort.IsCancellationRequested)
                {
                    // Stopped while waiting for the pacer or a token: this request never left.
                    return new Attempt(ItemResult.NotStarted, null);
                }
                if (!sentNow)
                {
                    // The token could not be had: nothing was posted in this attempt, nothing new is in doubt.
                    _logger.LogWarning("{Action}/{Key}: no access token: {Error}", item.Action, item.Key, outcome.ToString());
                    return new Attempt(null, outcome as Transient ?? new Transient(TransientKind.ServerError, outcome.ToString()));
                }
                switch (outcome)
                {
                    case Accepted accepted:
                        _ledger.MarkSent(item.Action, item.Key, accepted.ReferenceId, accepted.ActionId);
                        _logger.LogDebug("{Action}/{Key} sent to group {GroupId}: referenceId {ReferenceId}",
                            item.Action, item.Key, item.GroupId, accepted.ReferenceId);
                        return new Attempt(ItemResult.Sent, null);
                    case Permanent permanent:
                        _ledger.MarkFailed(item.Action, item.Key, permanent.ToString());
                        _logger.LogWarning("{Action}/{Key} refused: {Error}", item.Action, item.Key, permanent.ToString());
                        return new Attempt(ItemResult.Failed, null);
                    default:
                        var transient = (Transient)outcome;
                        unresolved = transient.OutcomeUnknown;
                        _ledger.MarkStillInDoubt(item.Action, item.Key, transient.ToString());
                        _logger.LogWarning("{Action}/{Key}: {Error}", item.Action, item.Key, transient.ToString());
                        return new Attempt(null, transient);
                }
            }, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            // Stopped between attempts: nothing is in flight for this item.
            return Settle(item, unresolved, requestLeft, "stopped before the next attempt");
        }
        catch (KaizalaConnectionException ex)
        {
            // A 401 twice or a refused move: the last request created nothing; earlier unknown outcomes stay in doubt.
            throw new ConnectionLostException(Settle(item, unresolved, requestLeft, ex.Message), ex);
        }

        if (last.Done == ItemResult.NotStarted)
        {
            return Settle(item, unresolved, requestLeft, "stopped before the request left");
        }
        if (last.Done is { } done)
        {
            return done;
        }
        return Settle(item, unresolved, requestLeft, $"gave up after {_options.MaxAttempts} attempts: {last.Retry}");
    }

    /// <summary>Reads the group back for an in-doubt item: a final attempt when the read-back settles it (found, held, group
    /// gone) or a transient failure to retry; null when the Action is certainly not there and the item may be posted.</summary>
    private async Task<Attempt?> ReconcileAsync(RenderedItem item, string kind, string? title, CancellationToken abort)
    {
        var record = _ledger.FindRecord(item.Action, item.Key);
        if (!ReadBackIdentity.IsListable(kind) && _options.ResendInDoubt)
        {
            _logger.LogWarning("{Action}/{Key}: in doubt, and the service cannot list {Type} actions; posting it again (limits.inDoubt: resend)",
                item.Action, item.Key, kind);
            return null;
        }
        var since = record?.InDoubtSince ?? _time.GetUtcNow() - TimeSpan.FromDays(1);
        var found = await _reconciler.FindAsync(item.GroupId, kind, record?.SentTitle ?? title, since, abort).ConfigureAwait(false);
        switch (found)
        {
            case Reconciliation.Found(var referenceId, var actionId):
                _ledger.MarkSent(item.Action, item.Key, referenceId, actionId, reconciled: true);
                _logger.LogInformation("{Action}/{Key}: the read-back found it in group {GroupId} (referenceId {ReferenceId}); not sent again",
                    item.Action, item.Key, item.GroupId, referenceId);
                return new Attempt(ItemResult.Reconciled, null);
            case Reconciliation.Undecidable(var reason):
                _ledger.MarkStillInDoubt(item.Action, item.Key, reason);
                _logger.LogWarning("{Action}/{Key} stays in doubt: {Reason}", item.Action, item.Key, reason);
                return new Attempt(ItemResult.InDoubt, null);
            case Reconciliation.GroupGone(var reason):
                _ledger.MarkFailed(item.Action, item.Key, reason);
                _logger.LogWarning("{Action}/{Key} failed: {Reason}", item.Action, item.Key, reason);
                return new Attempt(ItemResult.Failed, null);
            case Reconciliation.ReadFailed(var failure):
                return new Attempt(null, failure);
            default:
                _logger.LogInformation("{Action}/{Key}: not found in group {GroupId} by the read-back; sending it", item.Action, item.Key, item.GroupId);
                return null;
        }
    }

    /// <summary>Ends an item whose last attempt did not succeed: in doubt while an Action may exist, failed when none can;
    /// not started (the ledger untouched) when it was not in doubt and no request of it left in this run.</summary>
    private ItemResult Settle(RenderedItem item, bool unresolved, bool requestLeft, string error)
    {
        if ((!requestLeft && !unresolved) || _ledger.FindRecord(item.Action, item.Key)?.State != ItemState.InDoubt)
        {
            return ItemResult.NotStarted;
        }
        if (unresolved)
        {
            _ledger.MarkStillInDoubt(item.Action, item.Key, error);
            return ItemResult.InDoubt;
        }
        _ledger.MarkFailed(item.Action, item.Key, error);
        return ItemResult.Failed;
    }

    private ResiliencePipeline<Attempt> BuildRetry()
    {
        var options = Backoff<Attempt>(outcome => outcome.Result is { Retry: not null });
        // After a 429 the pacer already holds every call back for Retry-After; no extra wait on top.
        options.DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
            args.Outcome.Result?.Retry?.Kind == TransientKind.Throttled ? TimeSpan.Zero : null);
        return new ResiliencePipelineBuilder<Attempt> { TimeProvider = _time }.AddRetry(options).Build();
    }

    private ResiliencePipeline<ApiOutcome> BuildUploadRetry() =>
        new ResiliencePipelineBuilder<ApiOutcome> { TimeProvider = _time }
            .AddRetry(Backoff<ApiOutcome>(outcome => outcome.Result is Transient))
            .Build();

    /// <summary>Exponential backoff with (seedable) jitter up to maxAttempts, for whatever <paramref name="retry"/> says is transient.</summary>
    private RetryStrategyOptions<T> Backoff<T>(Func<Outcome<T>, bool> retry) => new()
    {
        MaxRetryAttempts = _options.MaxAttempts - 1,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = _options.RetryDelay,
        MaxDelay = _options.MaxRetryDelay,
        Randomizer = _jitter,
        ShouldHandle = args => ValueTask.FromResult(retry(args.Outcome)),
    };

    /// <summary>The counters of one run, shared by the workers.</summary>
    private sealed class RunState(int? total, IProgress<RunProgress>? progress)
    {
        private readonly Lock _gate = new();
        private readonly ConcurrentDictionary<string, int[]> _perAction = new(StringComparer.Ordinal);
        private readonly int[] _totals = new int[7];
        private int _inFlight;
        private int _notStarted;
        private int _handled;

        public StopReason? Stopped { get; private set; }

        public string? StopMessage { get; private set; }

        public int Handled
        {
            get
            {
                lock (_gate)
                {
                    return _handled;
                }
            }
        }

        public int Errors
        {
            get
            {
                lock (_gate)
                {
                    return _totals[(int)ItemResult.Failed] + _totals[(int)ItemResult.InDoubt];
                }
            }
        }

        public void Begin()
        {
            lock (_gate)
            {
                _inFlight++;
            }
            Report();
        }

        public void End(string action, ItemResult result)
        {
            lock (_gate)
            {
                _inFlight--;
                if (result == ItemResult.NotStarted)
                {
                    _notStarted++;
                }
                else
                {
                    _handled++;
                    _totals[(int)result]++;
                    _perAction.GetOrAdd(action, _ => new int[7])[(int)result]++;
                }
            }
            // Also for an item not started: the progress must not keep counting it in flight.
            Report();
        }

        public void NotStarted()
        {
            lock (_gate)
            {
                _notStarted++;
            }
        }

        public void SetNotStarted(int count)
        {
            lock (_gate)
            {
                _notStarted = Math.Max(_notStarted, count);
            }
        }

        /// <summary>Records the first reason the run stopped; true when this call set it.</summary>
        public bool StopFor(StopReason reason, string message)
        {
            lock (_gate)
            {
                if (Stopped is not null)
                {
                    return false;
                }
                Stopped = reason;
                StopMessage = message;
                return true;
            }
        }

        private void Report()
        {
            if (progress is null)
            {
                return;
            }
            RunProgress snapshot;
            lock (_gate)
            {
                snapshot = new RunProgress(
                    _totals[(int)ItemResult.Sent], _totals[(int)ItemResult.Reconciled], _totals[(int)ItemResult.Failed],
                    _totals[(int)ItemResult.InDoubt], _totals[(int)ItemResult.Skipped], _inFlight,
                    total is { } t ? Math.Max(0, t - _handled) : null);
            }
            progress.Report(snapshot);
        }

        public RunSummary Summary()
        {
            lock (_gate)
            {
                var actions = _perAction.OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => new ActionSummary(p.Key, p.Value[0], p.Value[1], p.Value[2], p.Value[3], p.Value[4], p.Value[6]))
                    .ToList();
                return new RunSummary(actions, Stopped, _notStarted, StopMessage);
            }
        }
    }
}
