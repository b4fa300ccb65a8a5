using KaizalaBatch.Planning;

namespace KaizalaBatch.Ledger;

/// <summary>How a ledger is opened. Only <see cref="ReadWrite"/> creates the file, migrates it and takes the run lock.</summary>
public enum LedgerMode
{
    ReadOnly,
    ReadWrite,
}

/// <summary>Who holds a ledger's run lock, as recorded by the holder when it took the lock.</summary>
public sealed record LockHolder(int ProcessId, string Host, DateTimeOffset StartedAt)
{
    public override string ToString() => $"process {ProcessId} on {Host}, started {StartedAt:u}";
}

/// <summary>Another run holds the ledger. The CLI maps this to exit code 3.</summary>
public sealed class LedgerLockedException(string ledgerPath, LockHolder? holder)
    : Exception(holder is null
        ? $"The ledger {ledgerPath} is in use by another run."
        : $"The ledger {ledgerPath} is in use by another run ({holder}).")
{
    public string LedgerPath { get; } = ledgerPath;

    /// <summary>The holder as it recorded itself; null when it had not written its record yet.</summary>
    public LockHolder? Holder { get; } = holder;
}

/// <summary>The ledger file cannot be used by this version (written by a newer one, or not migrated yet for a read-only open).</summary>
public sealed class LedgerSchemaException(string message) : Exception(message);

/// <summary>Everything the ledger keeps about one item: the plan's <see cref="LedgerEntry"/> plus what sending and export need.</summary>
/// <param name="RequestHash">SHA-256 of the canonical actionBody as last sent (see <c>CanonicalJson</c>); the read-back is compared with it.</param>
/// <param name="InDoubtSince">Start of the first attempt of the current in-doubt streak: the read-back's lower bound.</param>
/// <param name="SentTitle">The title (a Poll's question) of the body last sent: what the read-back's summary can be matched by.</param>
/// <param name="ResolvedBy">Who settled the item by hand with <c>resolve</c> (user@host), with <paramref name="ResolvedAt"/>.</param>
public sealed record LedgerRecord(
    string Action,
    string Key,
    string GroupId,
    string ActionType,
    ItemState State,
    string ContentHash,
    string? RequestHash,
    string? ReferenceId,
    string? ActionId,
    int Attempts,
    string? LastError,
    long? FirstRow,
    DateTimeOffset? AttemptStartedAt,
    DateTimeOffset? InDoubtSince,
    DateTimeOffset? SentAt,
    bool Reconciled,
    DateTimeOffset UpdatedAt,
    string? SentTitle = null,
    string? ResolvedBy = null,
    DateTimeOffset? ResolvedAt = null)
{
    public LedgerEntry ToEntry() =>
        new(Action, Key, State, ContentHash, ReferenceId, ActionId, Attempts, LastError, UpdatedAt);
}

/// <summary>How many items of one action are in one state (for <c>status</c>).</summary>
public sealed record StateCount(string Action, ItemState State, int Count);

/// <summary>A media file already uploaded: its content hash and the mediaResource the service returned.</summary>
public sealed record MediaRecord(string ContentHash, string MediaResource, string FileName, DateTimeOffset UploadedAt);
