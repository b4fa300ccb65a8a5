using KaizalaBatch.Planning;

namespace KaizalaBatch.Ledger;

/// <summary>How a ledger is opened. Only the writing modes create the store, migrate it and take the run lock.</summary>
public enum LedgerMode
{
    ReadOnly,

    /// <summary>Writes, holding the run lock alone: resolve, report, remind, and a run on a ledger that cannot be shared.</summary>
    ReadWrite,

    /// <summary>Writes as one of several runners of one run, where the backend can share the work (PostgreSQL: each item is
    /// claimed under a lease, see <see cref="ILedger.Sharing"/>); refused while a <see cref="ReadWrite"/> open holds it. A
    /// backend that cannot share (SQLite) opens it as <see cref="ReadWrite"/>: one run at a time.</summary>
    SharedRun,
}

/// <summary>What a backend needs besides the location, from the run file.</summary>
/// <param name="Password">A database's password (from <c>${env:NAME}</c>); null: the driver's own (PGPASSWORD, ~/.pgpass).</param>
/// <param name="Lease">How long a runner's claim on an item lasts without a heartbeat (a shared ledger): longer than any
/// request the holder can have on the wire, so that an item whose holder died is taken over only once its last request can
/// no longer arrive. Null: <see cref="DefaultLease"/>.</param>
public sealed record LedgerOptions(Secret? Password = null, TimeSpan? Lease = null)
{
    /// <summary>The creation time a new ledger records (templates see it as <c>run.startedAt</c>): the one a first run's
    /// check pass rendered with, so that its items stand for the send pass; null: now. An existing ledger keeps its own.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Twice the default client timeout of a minute.</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(2);
}

/// <summary>Who holds a ledger's run lock, as recorded by the holder when it took the lock.</summary>
public sealed record LockHolder(int ProcessId, string Host, DateTimeOffset StartedAt)
{
    public override string ToString() => $"process {ProcessId} on {Host}, started {StartedAt:u}";
}

/// <summary>Another run holds the ledger: exit code 3.</summary>
public sealed class LedgerLockedException(string ledgerPath, LockHolder? holder)
    : Exception(holder is null
        ? $"The ledger {ledgerPath} is in use by another run."
        : $"The ledger {ledgerPath} is in use by another run ({holder}).")
{
    public string LedgerPath { get; } = ledgerPath;

    /// <summary>The holder as it recorded itself; null when it had not written its record yet.</summary>
    public LockHolder? Holder { get; } = holder;
}

/// <summary>Why a durable write to the ledger failed.</summary>
public enum LedgerWriteFailure
{
    /// <summary>The disk (or the filesystem's quota) is full: SQLITE_FULL.</summary>
    DiskFull,

    /// <summary>The file or its folder may not be written: SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN, SQLITE_AUTH.</summary>
    NoPermission,

    /// <summary>Another program holds the file locked for longer than the busy timeout: SQLITE_BUSY, SQLITE_LOCKED.</summary>
    Busy,

    /// <summary>The disk or the filesystem failed: SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_PROTOCOL.</summary>
    IoError,

    /// <summary>The database server cannot be reached, or dropped the connection (a database ledger).</summary>
    Unreachable,
}

/// <summary>A durable write to the ledger failed for a reason outside the program (disk full, permissions, I/O).
/// Once one has failed, the ledger refuses every later in-doubt mark (<see cref="RunLedger.MarkInDoubt"/>): no request may
/// leave that the ledger cannot record. The message names the ledger, the cause and what to do; it holds no secret.</summary>
public sealed class LedgerUnwritableException : Exception
{
    public LedgerUnwritableException(string ledgerPath, LedgerWriteFailure cause, Exception inner)
        : base(Describe(ledgerPath, cause, inner), inner)
    {
        LedgerPath = ledgerPath;
        Cause = cause;
    }

    public string LedgerPath { get; }

    public LedgerWriteFailure Cause { get; }

    private static string Describe(string path, LedgerWriteFailure cause, Exception inner) => cause switch
    {
        LedgerWriteFailure.DiskFull =>
            $"the ledger {path} cannot be written: the disk is full. Free space on that disk, then run again",
        LedgerWriteFailure.NoPermission when RunFiles.LedgerLocation.IsDatabase(path) =>
            $"the ledger {path} cannot be written: permission denied (the database user may not write its tables). Fix the grants, then run again",
        LedgerWriteFailure.NoPermission =>
            $"the ledger {path} cannot be written: permission denied (the file or its folder is read-only for this user). Fix the permissions, then run again",
        LedgerWriteFailure.Busy =>
            $"the ledger {path} cannot be written: another program holds it locked. Close that program, then run again",
        LedgerWriteFailure.Unreachable =>
            $"the ledger {path} cannot be written: the database server cannot be reached ({inner.Message.Split('\n')[0]}). Check the server and the network, then run again",
        _ =>
            $"the ledger {path} cannot be written: an I/O error ({inner.Message.Split('\n')[0]}). Check the disk, then run again",
    } + "; no new request was sent after the failed write, and the next run reconciles the items left in doubt and sends the rest.";
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
    DateTimeOffset? ResolvedAt = null,
    string? Connector = null)
{
    public LedgerEntry ToEntry() =>
        new(Action, Key, State, ContentHash, ReferenceId, ActionId, Attempts, LastError, UpdatedAt, InDoubtSince, SentTitle, Connector);
}

/// <summary>How many items of one action are in one state (for <c>status</c>).</summary>
public sealed record StateCount(string Action, ItemState State, int Count);

/// <summary>A media file already uploaded: its content hash and the mediaResource the service returned.</summary>
public sealed record MediaRecord(string ContentHash, string MediaResource, string FileName, DateTimeOffset UploadedAt);
