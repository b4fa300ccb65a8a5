using KaizalaBatch.Planning;

namespace KaizalaBatch.Ledger;

/// <summary>One runner of a ledger, as <c>status</c> shows it.</summary>
/// <param name="Shared">A runner of a shared run; false for a command that holds the ledger alone (resolve, report, remind).</param>
/// <param name="ItemsHeld">Items it holds under a lease that has not lapsed.</param>
public sealed record RunnerInfo(long Id, string Host, int ProcessId, DateTimeOffset StartedAt, DateTimeOffset LastHeartbeat, int ItemsHeld,
    bool Shared = true);

/// <summary>What a runner's claim on an item came to.</summary>
public abstract record Claim
{
    /// <summary>The item is this runner's until it releases it (or stops renewing its lease).</summary>
    /// <param name="Entry">What the ledger holds for it now, read under the claim: what another runner did since this one
    /// planned it shows here.</param>
    /// <param name="LapsedHolder">The runner whose lease had lapsed (it died, or lost the database), when this claim took
    /// the item over from one: whatever it left in doubt is reconciled before anything is sent again.</param>
    public sealed record Granted(LedgerEntry? Entry, long? LapsedHolder) : Claim;

    /// <summary>Another live runner holds it, its lease renewed until <paramref name="Until"/>.</summary>
    public sealed record Held(long Holder, DateTimeOffset Until) : Claim;
}

/// <summary>A call let through by the pace that the runners of a shared ledger keep together (<see cref="ISharedRun.TryStartCall"/>),
/// or how long to wait before asking again.</summary>
/// <param name="Call">The call's id, to end it or report a 429 with; null: not now.</param>
public sealed record SharedTurn(long? Call, TimeSpan Wait);

/// <summary>The part of a ledger that lets runners on several machines share one run (PostgreSQL): every item is claimed under
/// a lease before it is worked on, the lease is renewed by a heartbeat while its runner lives, and the calls to the service are
/// paced across all the runners. <see cref="ILedger.MarkInDoubt"/> of an item whose claim this runner has lost throws
/// <see cref="ClaimLostException"/>: no request leaves for an item another runner has taken over.</summary>
public interface ISharedRun
{
    /// <summary>This runner's id, as <see cref="RunnerInfo.Id"/> shows it to the others.</summary>
    long RunnerId { get; }

    /// <summary>Claims an item: granted (free, already this runner's, or held under a lapsed lease), or held by another
    /// runner (including one that is claiming it at this very moment: its row is locked and skipped, not waited for).</summary>
    Claim TryClaim(string action, string key);

    /// <summary>Gives the item back once this runner is done with it (or will not start it).</summary>
    void Release(string action, string key);

    /// <summary>Lets one call of <paramref name="connector"/> start when fewer than <paramref name="perMinute"/> calls of all the
    /// runners count in the last <paramref name="window"/> and no 429 pause holds; a call counts from its start until a window
    /// after its end, or, while it is under way, until <paramref name="longest"/> plus a window after its start (its runner
    /// may die without ending it).</summary>
    SharedTurn TryStartCall(string connector, int perMinute, TimeSpan window, TimeSpan longest);

    /// <summary>The call is over: it counts until a window from now.</summary>
    void EndCall(long call, TimeSpan window);

    /// <summary>The service answered the call 429: it did not count, and every runner's calls of <paramref name="connector"/>
    /// wait <paramref name="retryAfter"/>.</summary>
    void CallThrottled(long call, string connector, TimeSpan retryAfter);
}

/// <summary>This runner's claim on an item lapsed and another runner took the item over: this one must leave it alone.</summary>
public sealed class ClaimLostException(string action, string key)
    : Exception($"{action}/{key}: another runner took this item over (this runner's lease on it lapsed); it is left to that runner.")
{
    public string Action { get; } = action;

    public string Key { get; } = key;
}
