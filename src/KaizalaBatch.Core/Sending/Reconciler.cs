using KaizalaBatch.Actions;
using KaizalaBatch.Api;
using KaizalaBatch.Ledger;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Sending;

/// <summary>What the read-back says about an in-doubt item's Action.</summary>
internal abstract record Reconciliation
{
    /// <summary>Exactly one Action in the group matches, and no other item owns it: the earlier request created it.</summary>
    public sealed record Found(string ReferenceId, string? ActionId) : Reconciliation;

    /// <summary>Nothing in the group matches: the earlier request created nothing, so the item may be sent.</summary>
    public sealed record Absent : Reconciliation;

    /// <summary>The service cannot tell (its type is not listable, or several Actions match): the item stays in doubt
    /// until the user settles it with <c>resolve</c>.</summary>
    public sealed record Undecidable(string Reason) : Reconciliation;

    /// <summary>The group is gone (the read-back answered 404): nothing can be created there any more.</summary>
    public sealed record GroupGone(string Reason) : Reconciliation;

    /// <summary>The read-back itself failed in a way worth another attempt.</summary>
    public sealed record ReadFailed(Transient Failure) : Reconciliation;
}

/// <summary>
/// Finds a lost post again by what the service's read-back carries (actions_get.md): a per-type summary, not the body
/// sent. An in-doubt item matches an Action of its type and title (a Poll's question) posted by this connector's sender
/// number, created no earlier than its in-doubt attempt (less a skew for clock differences), and not owned by another
/// item of the ledger. It never guesses between candidates, and a type the service cannot list is never decided here.
/// </summary>
/// <param name="sentHere">In a pool of connectors: whether this connector sent the Action of a referenceId (in this run), the
/// only evidence of its sender number (the ledger's sent items may be other connectors'); null for a single connector,
/// whose every sent item in the ledger is its own.</param>
internal sealed class Reconciler(KaizalaClient client, ILedger ledger, string applicationId, TimeSpan skew, ILogger logger,
    Func<string, bool>? sentHere = null)
{
    private readonly SemaphoreSlim _learning = new(1, 1);
    private string? _sender;
    private bool _probed;

    public async Task<Reconciliation> FindAsync(string groupId, string kind, string? title, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (!ReadBackIdentity.IsListable(kind))
        {
            return new Reconciliation.Undecidable(
                $"the service cannot list {kind} actions, so whether the lost request created one cannot be checked; settle it with resolve");
        }
        var sender = await SenderAsync(cancellationToken).ConfigureAwait(false);
        var from = since - skew;
        var readBack = await client.ReadActionsAsync(groupId, kind, from, cancellationToken).ConfigureAwait(false);
        switch (readBack.Failure)
        {
            case Permanent { Status: 404 } gone:
                return new Reconciliation.GroupGone($"the group is gone: the read-back answered {gone}");
            case Permanent refused:
                return new Reconciliation.Undecidable($"the read-back was refused ({refused}); settle it with resolve");
            case Transient transient:
                return new Reconciliation.ReadFailed(transient);
            case { } other:
                return new Reconciliation.ReadFailed(new Transient(TransientKind.ServerError, $"read-back failed: {other}"));
        }
        sender ??= Learn(readBack.Actions);

        var candidates = readBack.Actions.Where(a =>
                a.ReferenceId is not null
                && string.Equals(a.ActionType, kind, StringComparison.OrdinalIgnoreCase)
                && (title is null || string.Equals(a.Title, title, StringComparison.Ordinal))
                && (a.CreationTime is not { } created || created >= from)
                && (sender is null || string.Equals(a.Sender, sender, StringComparison.Ordinal))
                && !ledger.IsReferenceKnown(a.ReferenceId))
            .ToList();
        return candidates.Count switch
        {
            0 => new Reconciliation.Absent(),
            1 => new Reconciliation.Found(candidates[0].ReferenceId!, candidates[0].ActionId),
            var n => new Reconciliation.Undecidable(
                $"{n} {kind} actions {(title is null ? "" : $"titled '{title}' ")}appeared in the group since {from:u} and none belongs to "
                + "another item: the read-back cannot tell which one this item created; settle it with resolve"),
        };
    }

    /// <summary>The sender number the service shows on this connector's posts: kept in the ledger once learned; otherwise
    /// learned once per run by reading back the group of an item the ledger knows as sent.</summary>
    private async Task<string?> SenderAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _sender) is { } known)
        {
            return known;
        }
        await _learning.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_sender is not null || _probed)
            {
                return _sender;
            }
            _probed = true;
            if (ledger.FindSender(applicationId) is { } kept)
            {
                return _sender = kept;
            }
            if (sentHere is null && ledger.FindSentSample(ReadBackIdentity.ListableTypes) is { SentAt: { } sentAt } sample)
            {
                var readBack = await client.ReadActionsAsync(sample.GroupId, sample.ActionType, sentAt - skew, cancellationToken).ConfigureAwait(false);
                Learn(readBack.Actions);
            }
            if (_sender is null)
            {
                logger.LogDebug("This connector's sender number is not known yet; the read-back matches by type, title and time alone");
            }
            return _sender;
        }
        finally
        {
            _learning.Release();
        }
    }

    /// <summary>An Action the ledger already owns shows which sender number the service gives this connector.</summary>
    private string? Learn(IReadOnlyList<ReadBackAction> actions)
    {
        foreach (var action in actions)
        {
            if (action is { Sender: { Length: > 0 } sender, ReferenceId: { } reference } && (sentHere?.Invoke(reference) ?? ledger.IsReferenceKnown(reference)))
            {
                ledger.RecordSender(applicationId, sender);
                logger.LogDebug("The service shows this connector's posts as sent by {Sender}", sender);
                Volatile.Write(ref _sender, sender);
                return sender;
            }
        }
        return null;
    }
}
