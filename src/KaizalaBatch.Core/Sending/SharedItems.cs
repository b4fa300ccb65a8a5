using System.Runtime.CompilerServices;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Sending;

/// <summary>How a runner that shares its run with runners on other machines takes its items (<see cref="ILedger.Sharing"/>):
/// each planned item is claimed before a worker gets it, and its decision is made again under the claim
/// (<see cref="PlannedItem.AfterClaim"/>), so no item is worked on by two runners, sent twice, or retried in one run after
/// another runner failed it. An item another live runner holds is passed over and looked at again once every other item
/// is done, until its holder gives it back or its lease lapses: an item left in doubt by a runner that died is then
/// reconciled by a live one, never lost and never sent again blindly. The worker gives each item back when done with it
/// (<see cref="ISharedRun.Release"/>).</summary>
internal sealed class SharedItems(ISharedRun shared, TimeProvider time, ILogger logger)
{
    /// <summary>How often the items other runners hold are looked at again once everything else is done.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);

    /// <summary>The items this runner works on, claimed, in the plan's order, then those it found held once they are free.
    /// Items another runner has done since this one planned them are counted as theirs (<see cref="RunTally.Elsewhere"/>).
    /// A claim the ledger cannot write stops the intake (<paramref name="stop"/>), as any ledger write that fails does.</summary>
    public async IAsyncEnumerable<PlannedItem> ClaimAsync(IAsyncEnumerable<PlannedItem> items, RunTally run,
        Action<LedgerUnwritableException> stop, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var held = new List<PlannedItem>();
        await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!item.TakenByRun)
            {
                continue;
            }
            var (mine, taken) = Claim(item, run, stop);
            if (mine is not null)
            {
                yield return mine;
            }
            else if (taken is null)
            {
                yield break; // the ledger cannot be written
            }
            else if (taken == false)
            {
                held.Add(item);
            }
        }
        if (held.Count > 0)
        {
            logger.LogInformation("{Count} items are held by other runners; waiting for them to finish or for their leases to lapse", held.Count);
        }
        while (held.Count > 0)
        {
            await Task.Delay(Recheck, time, cancellationToken).ConfigureAwait(false);
            var still = new List<PlannedItem>();
            foreach (var item in held)
            {
                var (mine, taken) = Claim(item, run, stop);
                if (mine is not null)
                {
                    yield return mine;
                }
                else if (taken is null)
                {
                    yield break;
                }
                else if (taken == false)
                {
                    still.Add(item);
                }
            }
            held = still;
        }
    }

    /// <summary>Claims one item: (the item to work on, true); (null, true) when another runner has done it; (null, false)
    /// when another runner holds it now; (null, null) when the claim could not be written.</summary>
    private (PlannedItem? Mine, bool? Taken) Claim(PlannedItem item, RunTally run, Action<LedgerUnwritableException> stop)
    {
        Claim claim;
        try
        {
            claim = shared.TryClaim(item.Item.Action, item.Item.Key);
        }
        catch (LedgerUnwritableException unwritable)
        {
            stop(unwritable);
            return (null, null);
        }
        if (claim is not Claim.Granted granted)
        {
            return (null, false);
        }
        if (granted.LapsedHolder is { } lapsed)
        {
            logger.LogWarning("{Action}/{Key}: runner {Runner} stopped renewing its lease on it; this runner takes it over",
                item.Item.Action, item.Item.Key, lapsed);
        }
        if (item.AfterClaim(granted.Entry, granted.LapsedHolder is not null) is { } decided)
        {
            return (decided, true);
        }
        Release(item.Item.Action, item.Item.Key);
        run.Elsewhere();
        return (null, true);
    }

    /// <summary>Gives an item back; one that cannot be given back is freed when its lease lapses.</summary>
    public void Release(string action, string key)
    {
        try
        {
            shared.Release(action, key);
        }
        catch (LedgerUnwritableException ex)
        {
            logger.LogDebug("{Action}/{Key}: not given back ({Error}); its lease lapses instead", action, key, ex.Message);
        }
    }
}
