using KaizalaBatch.Actions;
using KaizalaBatch.Api;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using Microsoft.Extensions.Logging;
using Polly;

namespace KaizalaBatch.Sending;

/// <summary>Takes one planned item to its end (SPEC sections 2 and 4): records an invalid one, uploads the media, reconciles
/// an in-doubt one by reading the group back before it ever posts again, marks the ledger in doubt durably before the
/// request leaves, and retries transient failures with exponential backoff and jitter. Executes the plan's decision; never
/// asks the ledger what the plan already read.</summary>
internal sealed partial class ItemSender
{
    private readonly ConnectorLanes _lanes;
    private readonly ILedger _ledger;
    private readonly BatchOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<Attempt> _retry;
    private readonly MediaUploader _media;

    public ItemSender(ConnectorPool pool, ILedger ledger, BatchOptions options, TimeProvider time, ILogger logger)
    {
        _lanes = new ConnectorLanes(pool, ledger, options.ReconcileSkew, logger);
        _ledger = ledger;
        _options = options;
        _time = time;
        _logger = logger;
        var backoff = new Backoff(options);
        _retry = new ResiliencePipelineBuilder<Attempt> { TimeProvider = time }.AddRetry(backoff.ForAttempts()).Build();
        _media = new MediaUploader(ledger,
            new ResiliencePipelineBuilder<ApiOutcome> { TimeProvider = time }.AddRetry(backoff.For<ApiOutcome>(o => o.Result is Transient)).Build(),
            logger);
    }

    /// <summary>Where one item stands while it is worked on: whether the ledger holds it in doubt now (known from the plan and
    /// from this run's own marks, so that settling it needs no read).</summary>
    internal sealed class Work(PlannedItem planned)
    {
        public PlannedItem Planned { get; } = planned;

        public RenderedItem Item => Planned.Item;

        public bool InDoubtInLedger { get; set; } = planned.Category == PlanCategory.InDoubt;

        /// <summary>The connector whose read-back can settle the item: the one its last request went through.</summary>
        public ConnectorLane? Reconcile { get; set; }

        /// <summary>Why it failed, stays in doubt or is invalid: the error last written to the ledger for it.</summary>
        public string? Reason { get; set; }

        /// <summary>How the item counts when cut short (aborted, or its ledger write failed): in doubt while the ledger
        /// says a request may have left; else not started.</summary>
        public ItemResult CutShort => InDoubtInLedger ? ItemResult.InDoubt : ItemResult.NotStarted;
    }

    public async Task<ItemResult> SendAsync(Work work, CancellationToken stop, CancellationToken abort)
    {
        var item = work.Item;
        if (work.Planned.Category == PlanCategory.Invalid || item.Body is null)
        {
            work.Reason = string.Join("; ", item.Errors.Select(e => e.ToString()));
            _ledger.MarkInvalid(item, work.Reason);
            return ItemResult.Invalid;
        }

        // The connector: the one the item is pinned to; for an item in doubt, the one it was sent through (which alone can
        // tell its Action by its sender number); else the least busy.
        var recorded = work.Planned.Entry?.Connector;
        var home = recorded is null ? _lanes.Default : _lanes.Find(recorded);
        if (work.InDoubtInLedger && home is null)
        {
            work.Reason = $"it was sent through the connector '{recorded}', which connection.connectors no longer lists: add it back to " +
                "let the read-back settle it, or settle it with resolve";
            _ledger.MarkStillInDoubt(item.Action, item.Key, work.Reason);
            _logger.LogWarning("{Action}/{Key} stays in doubt: {Reason}", item.Action, item.Key, work.Reason);
            return ItemResult.InDoubt;
        }
        using var lease = _lanes.Take(_lanes.Find(item.Connector) ?? (work.InDoubtInLedger ? home : null));
        var lane = lease.Lane;
        work.Reconcile = home ?? lane;

        Dictionary<string, string>? media;
        try
        {
            (media, var uploadError) = await _media.ResolveAsync(item, lane.Client, stop, abort).ConfigureAwait(false);
            if (media is null)
            {
                _logger.LogWarning("{Action}/{Key}: {Error}", item.Action, item.Key, uploadError);
                work.Reason = uploadError;
                _ledger.MarkFailedBeforeSending(item, uploadError!); // leaves an in-doubt item in doubt
            }
        }
        catch (KaizalaConnectionException ex)
        {
            throw new ConnectionLostException(ItemResult.NotStarted, ex);
        }
        if (media is null)
        {
            return work.InDoubtInLedger ? ItemResult.InDoubt : ItemResult.Failed;
        }
        var request = ActionRequest.For(item, media);
        var kind = item.PackageId ?? item.ActionType;
        var title = ReadBackIdentity.TitleOf(kind, request.ActionBody);
        var keptBody = _options.KeepPayloads ? request.BodyJson : null;

        // An earlier run (or crash) left it in doubt: the read-back decides before anything is posted.
        var unresolved = work.InDoubtInLedger;
        Attempt last;
        var requestLeft = false;
        async ValueTask<Attempt> AttemptAsync()
        {
            if (unresolved)
            {
                if (await ReconcileAsync(work, kind, title, abort).ConfigureAwait(false) is { } settled)
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
                outcome = await lane.Client.SendActionAsync(item.GroupId, request.Utf8Json, abort, stop, async () =>
                {
                    // Waited for without holding a thread: the marks of the requests let through together share a commit.
                    await _ledger.MarkInDoubtAsync(item, request.BodyHash, title, _time.GetUtcNow(), keptBody, lane.Name).ConfigureAwait(false);
                    sentNow = requestLeft = work.InDoubtInLedger = true;
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
            // A read-back after this attempt asks the connector it went through.
            work.Reconcile = lane;
            if (outcome is Accepted accepted)
            {
                lane.Accepted(accepted.ReferenceId);
                await _ledger.MarkSentAsync(item.Action, item.Key, accepted.ReferenceId, accepted.ActionId).ConfigureAwait(false);
            }
            return Record(work, outcome, ref unresolved);
        }

        try
        {
            last = await AttemptsAsync(AttemptAsync, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            // Stopped between attempts: nothing is in flight for this item.
            return Settle(work, unresolved, requestLeft, "stopped before the next attempt");
        }
        catch (KaizalaConnectionException ex)
        {
            // A 401 twice or a refused move: the last request created nothing; earlier unknown outcomes stay in doubt.
            throw new ConnectionLostException(Settle(work, unresolved, requestLeft, ex.Message), ex);
        }

        return last.Done switch
        {
            ItemResult.NotStarted => Settle(work, unresolved, requestLeft, "stopped before the request left"),
            { } done => done,
            _ => Settle(work, unresolved, requestLeft, $"gave up after {_options.MaxAttempts} attempts: {last.Retry}"),
        };
    }

    /// <summary>Records the service's answer to a request that left.</summary>
    private Attempt Record(Work work, ApiOutcome outcome, ref bool unresolved)
    {
        var item = work.Item;
        switch (outcome)
        {
            case Accepted accepted:
                // Marked sent by the caller, awaited.
                work.InDoubtInLedger = false;
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    _logger.LogDebug("{Action}/{Key} sent to group {GroupId}: referenceId {ReferenceId}",
                        item.Action, item.Key, item.GroupId, accepted.ReferenceId);
                }
                return new Attempt(ItemResult.Sent, null);
            case Permanent permanent:
                work.Reason = permanent.ToString();
                _ledger.MarkFailed(item.Action, item.Key, work.Reason);
                work.InDoubtInLedger = false;
                _logger.LogWarning("{Action}/{Key} refused: {Error}", item.Action, item.Key, permanent.ToString());
                return new Attempt(ItemResult.Failed, null);
            default:
                var transient = (Transient)outcome;
                unresolved = transient.OutcomeUnknown;
                work.Reason = transient.ToString();
                _ledger.MarkStillInDoubt(item.Action, item.Key, work.Reason);
                _logger.LogWarning("{Action}/{Key}: {Error}", item.Action, item.Key, transient.ToString());
                return new Attempt(null, transient);
        }
    }

    /// <summary>Reads the group back for an in-doubt item: a final attempt when the read-back settles it (found, held, group
    /// gone) or a transient failure to retry; null when the Action is certainly not there and the item may be posted.</summary>
    private async Task<Attempt?> ReconcileAsync(Work work, string kind, string? title, CancellationToken abort)
    {
        var item = work.Item;
        if (!ReadBackIdentity.IsListable(kind) && _options.ResendInDoubt)
        {
            _logger.LogWarning("{Action}/{Key}: in doubt, and the service cannot list {Type} actions; posting it again (limits.inDoubt: resend)",
                item.Action, item.Key, kind);
            return null;
        }
        var entry = work.Planned.Entry;
        var since = entry?.InDoubtSince ?? _time.GetUtcNow() - TimeSpan.FromDays(1);
        var found = await work.Reconcile!.Reconciler.FindAsync(item.GroupId, kind, entry?.SentTitle ?? title, since, abort).ConfigureAwait(false);
        switch (found)
        {
            case Reconciliation.Found(var referenceId, var actionId):
                _ledger.MarkSent(item.Action, item.Key, referenceId, actionId, reconciled: true);
                work.InDoubtInLedger = false;
                _logger.LogInformation("{Action}/{Key}: the read-back found it in group {GroupId} (referenceId {ReferenceId}); not sent again",
                    item.Action, item.Key, item.GroupId, referenceId);
                return new Attempt(ItemResult.Reconciled, null);
            case Reconciliation.Undecidable(var reason):
                work.Reason = reason;
                _ledger.MarkStillInDoubt(item.Action, item.Key, reason);
                _logger.LogWarning("{Action}/{Key} stays in doubt: {Reason}", item.Action, item.Key, reason);
                return new Attempt(ItemResult.InDoubt, null);
            case Reconciliation.GroupGone(var reason):
                work.Reason = reason;
                _ledger.MarkFailed(item.Action, item.Key, reason);
                work.InDoubtInLedger = false;
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
    private ItemResult Settle(Work work, bool unresolved, bool requestLeft, string error)
    {
        var item = work.Item;
        if ((!requestLeft && !unresolved) || !work.InDoubtInLedger)
        {
            return ItemResult.NotStarted;
        }
        work.Reason = error;
        if (unresolved)
        {
            _ledger.MarkStillInDoubt(item.Action, item.Key, error);
            return ItemResult.InDoubt;
        }
        _ledger.MarkFailed(item.Action, item.Key, error);
        work.InDoubtInLedger = false;
        return ItemResult.Failed;
    }
}

/// <summary>The connection cannot work any more; carries how the item it hit was settled.</summary>
internal sealed class ConnectionLostException(ItemResult result, KaizalaConnectionException inner) : Exception(inner.Message, inner)
{
    public ItemResult Result { get; } = result;
}
