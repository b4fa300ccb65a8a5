using KaizalaBatch.Planning;

namespace KaizalaBatch.Ledger;

/// <summary>How the user settled in-doubt items with <c>resolve</c>.</summary>
public enum Resolution
{
    /// <summary>The Action is in the group: the item counts as sent and is never posted again.</summary>
    Sent,

    /// <summary>It is not: the item becomes failed, so the next run sends it.</summary>
    NotSent,
}

/// <summary>The responses of one sent item as the last report read them: the count the service showed then, and the
/// responses (the details call's <c>responses</c> array, as JSON).</summary>
public sealed record CachedResponses(string Action, string Key, int ResponseCount, string ResponsesJson, DateTimeOffset ReadAt);

/// <summary>The ledger contract: what planning, sending, status, export, resolve, report and remind need from a store of
/// every item's outcome (SPEC section 2). SQLite (<see cref="Sqlite.SqliteLedger"/>) is the embedded default; PostgreSQL
/// (<see cref="Postgres.PostgresLedger"/>) is the one several runners may share; each backend is a folder, opened by
/// <see cref="Ledgers.Open"/>.
/// <para>Every implementation keeps these promises: a write is durable before it returns (so an in-doubt mark is on disk
/// before the request leaves); once a write has failed for a reason outside the program, every later
/// <see cref="MarkInDoubt"/> throws <see cref="LedgerUnwritableException"/> without being tried; a writable ledger holds the
/// run lock until disposed; nothing secret is ever stored (a kept actionBody holds none: secrets live only in the
/// connection). Thread-safe: the senders share one instance.</para></summary>
public interface ILedger : ILedgerReader, IDisposable
{
    /// <summary>Where the ledger is, for messages (a path, or a URL without its password).</summary>
    string Location { get; }

    /// <summary>False while nothing was ever recorded (a read-only open of a ledger that does not exist yet).</summary>
    bool Exists { get; }

    /// <summary>Opened for writing: it holds the run lock.</summary>
    bool IsWritable { get; }

    /// <summary>When the ledger was first created (the first run of its run file); null while it does not exist.</summary>
    DateTimeOffset? CreatedAt { get; }

    /// <summary>How writes are made durable, as the store reports it now (for <c>status</c>), e.g.
    /// <c>SQLite WAL, synchronous=FULL</c>.</summary>
    string Durability { get; }

    /// <summary>How this runner shares the run with runners on other machines: claims, leases and a common pace; null when
    /// the ledger is held by one run alone (SQLite, or any ledger not opened as <see cref="LedgerMode.SharedRun"/>).</summary>
    ISharedRun? Sharing { get; }

    /// <summary>The runners that write to the ledger now or did lately (for <c>status</c>): host, process, last heartbeat,
    /// items held. Empty for a ledger that one run holds alone (SQLite).</summary>
    IReadOnlyList<RunnerInfo> Runners();

    // ---- sending ----

    /// <summary>Everything the ledger keeps about one item, or null.</summary>
    LedgerRecord? FindRecord(string action, string key);

    /// <summary>Records, durably and before the request leaves, that an attempt is starting: the item is in doubt until
    /// <see cref="MarkSent"/> or <see cref="MarkFailed"/>.</summary>
    /// <param name="sentBody">The actionBody as it leaves (JSON, media uploaded), kept in the same write (compressed:
    /// <see cref="SentBodies"/>) so that <see cref="FindSentBody"/> can give it back; null keeps none and drops the one an
    /// earlier attempt kept (the run file's <c>keepPayloads: false</c>).</param>
    /// <param name="connector">The connector the request leaves through (its name in the pool): reconciliation and reports
    /// read the item back through it.</param>
    /// <exception cref="LedgerUnwritableException">This write failed, or an earlier one did: the request must not leave.</exception>
    void MarkInDoubt(RenderedItem item, string requestHash, string? sentTitle, DateTimeOffset attemptStartedAt, string? sentBody = null,
        string? connector = null);

    /// <summary><see cref="MarkInDoubt"/>, durable when the task completes; a ledger that commits writes in groups lets the
    /// caller wait for its group's commit without holding a thread (the default waits on the caller's thread).</summary>
    ValueTask MarkInDoubtAsync(RenderedItem item, string requestHash, string? sentTitle, DateTimeOffset attemptStartedAt,
        string? sentBody = null, string? connector = null)
    {
        MarkInDoubt(item, requestHash, sentTitle, attemptStartedAt, sentBody, connector);
        return ValueTask.CompletedTask;
    }

    /// <summary>The service accepted the item (or the read-back found it: <paramref name="reconciled"/>).</summary>
    void MarkSent(string action, string key, string? referenceId, string? actionId, bool reconciled = false);

    /// <summary><see cref="MarkSent"/>, durable when the task completes (see <see cref="MarkInDoubtAsync"/>).</summary>
    ValueTask MarkSentAsync(string action, string key, string? referenceId, string? actionId, bool reconciled = false)
    {
        MarkSent(action, key, referenceId, actionId, reconciled);
        return ValueTask.CompletedTask;
    }

    /// <summary>A permanent error, or attempts exhausted with the outcome known. <paramref name="error"/> holds no secret.</summary>
    void MarkFailed(string action, string key, string error);

    /// <summary>Failed before any request left (a media upload was refused); never touches an item sent or in doubt.</summary>
    void MarkFailedBeforeSending(RenderedItem item, string error);

    /// <summary>Keeps the item in doubt (the last attempt's outcome is unknown) and records why.</summary>
    void MarkStillInDoubt(string action, string key, string error);

    /// <summary>The item failed validation and was never sent; never touches a sent item.</summary>
    void MarkInvalid(RenderedItem item, string error);

    /// <summary>True when some item already owns this referenceId.</summary>
    bool IsReferenceKnown(string referenceId);

    /// <summary>The mediaResource of a file already uploaded, by the file's content hash.</summary>
    MediaRecord? FindMedia(string contentHash);

    /// <summary>Remembers, durably, an uploaded file's mediaResource so that it is never uploaded again.</summary>
    void RecordMedia(string contentHash, string mediaResource, string fileName);

    /// <summary>The phone number the service shows as the sender of this connector's posts, once learned.</summary>
    string? FindSender(string applicationId);

    /// <summary>Remembers the sender number of a connector.</summary>
    void RecordSender(string applicationId, string sender);

    /// <summary>The most recently sent item of one of <paramref name="types"/> with a referenceId.</summary>
    LedgerRecord? FindSentSample(IReadOnlyCollection<string> types);

    // ---- plan ----

    /// <summary>The actionBody (JSON) the item was last sent with, as <see cref="MarkInDoubt"/> kept it, for <c>plan</c> to
    /// show what changed; null when none was kept (<c>keepPayloads: false</c>, sent by a version that kept none, never
    /// sent) or it cannot be read back.</summary>
    string? FindSentBody(string action, string key);

    // ---- status, export, resolve ----

    /// <summary>How many items each action has in each state, ordered by action then state.</summary>
    IReadOnlyList<StateCount> CountByState();

    /// <summary>Every item, ordered by action and key, streamed.</summary>
    IEnumerable<LedgerRecord> Export();

    /// <summary>The in-doubt items, all or those of one action and/or one key, ordered by action and key.</summary>
    IReadOnlyList<LedgerRecord> InDoubtItems(string? action = null, string? key = null);

    /// <summary>Settles in-doubt items by the user's decision, recording who decided and when; returns how many.</summary>
    int Resolve(string? action, string? key, Resolution resolution, string decidedBy);

    // ---- report, remind ----

    /// <summary>Every item's responses as last read, by (action, key).</summary>
    IReadOnlyDictionary<(string Action, string Key), CachedResponses> CachedResponses();

    void RecordResponses(string action, string key, int responseCount, string responsesJson);

    /// <summary>When each item was last reminded, by (action, key).</summary>
    IReadOnlyDictionary<(string Action, string Key), DateTimeOffset> LastReminders();

    void RecordReminder(string action, string key);
}
