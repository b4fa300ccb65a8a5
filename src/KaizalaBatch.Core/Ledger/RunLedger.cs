using System.Globalization;
using KaizalaBatch.Planning;
using Microsoft.Data.Sqlite;

namespace KaizalaBatch.Ledger;

/// <summary>The SQLite store of every item's outcome and every uploaded media file (SPEC section 2).
/// Every write is committed in WAL mode with <c>synchronous=FULL</c> before it returns, so a committed write survives a
/// power cut; writes from concurrent senders share a commit (group commit).
/// A read-write open holds the run lock until disposed; a read-only open never creates, migrates or locks anything.
/// A write that the disk, the filesystem or its permissions refuse throws <see cref="LedgerUnwritableException"/>.
/// Thread-safe: the senders share one instance.</summary>
public sealed partial class RunLedger : ILedgerReader, IDisposable
{
    private readonly SqliteConnection? _connection;
    private readonly FileStream? _lockFile;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Lock _commitGate = new();
    private readonly Lock _pendingGate = new();
    private List<PendingWrite> _pending = [];
    private SqliteCommand? _find;
    private LedgerUnwritableException? _unwritable; // the first write that failed; set and read under _gate
    private bool _disposed;

    private RunLedger(string path, LedgerMode mode, SqliteConnection? connection, FileStream? lockFile, TimeProvider time)
    {
        Path = path;
        Mode = mode;
        _connection = connection;
        _lockFile = lockFile;
        _time = time;
    }

    public string Path { get; }

    public LedgerMode Mode { get; }

    /// <summary>False for a read-only open of a file that does not exist: the ledger is empty and stays absent.</summary>
    public bool Exists => _connection is not null;

    /// <summary>When the ledger was first created (the first run of its run file); null while it does not exist.</summary>
    public DateTimeOffset? CreatedAt
    {
        get
        {
            if (_connection is null)
            {
                return null;
            }
            lock (_gate)
            {
                using var command = _connection.CreateCommand();
                command.CommandText = "SELECT created_at FROM ledger_info WHERE id = 1";
                return command.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
            }
        }
    }

    /// <summary>The file that carries the OS-level run lock: the ledger's path plus <c>.lock</c>.</summary>
    public static string LockPathFor(string ledgerPath) => ledgerPath + ".lock";

    /// <summary>Opens a ledger. <see cref="LedgerMode.ReadWrite"/> takes the run lock (throws <see cref="LedgerLockedException"/>
    /// at once when another run holds it), creates the file if needed and migrates it.
    /// <see cref="LedgerMode.ReadOnly"/> of a missing file gives an empty ledger without creating it.</summary>
    public static RunLedger Open(string path, LedgerMode mode, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        time ??= TimeProvider.System;
        var fullPath = System.IO.Path.GetFullPath(path);
        if (mode == LedgerMode.ReadOnly)
        {
            return OpenReadOnly(fullPath, time);
        }

        var lockFile = AcquireLock(fullPath);
        SqliteConnection? connection = null;
        try
        {
            connection = Connect(fullPath, SqliteOpenMode.ReadWriteCreate);
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
            LedgerSchema.Migrate(connection, LedgerSchema.CurrentVersion);
            using (var created = connection.CreateCommand())
            {
                created.CommandText = "INSERT OR IGNORE INTO ledger_info (id, created_at) VALUES (1, $now)";
                created.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
                created.ExecuteNonQuery();
            }
            var holder = new LockHolder(Environment.ProcessId, Environment.MachineName, time.GetUtcNow());
            WriteHolder(connection, holder);
            WriteHolderText(lockFile, holder);
            return new RunLedger(fullPath, mode, connection, lockFile, time);
        }
        catch
        {
            connection?.Dispose();
            lockFile.Dispose();
            throw;
        }
    }

    private static RunLedger OpenReadOnly(string fullPath, TimeProvider time)
    {
        if (!File.Exists(fullPath))
        {
            return new RunLedger(fullPath, LedgerMode.ReadOnly, null, null, time);
        }
        var connection = Connect(fullPath, SqliteOpenMode.ReadOnly);
        try
        {
            var version = LedgerSchema.ReadVersion(connection);
            if (version != LedgerSchema.CurrentVersion)
            {
                throw new LedgerSchemaException(version > LedgerSchema.CurrentVersion
                    ? $"The ledger {fullPath} has schema version {version}, newer than this version of KaizalaBatch understands ({LedgerSchema.CurrentVersion})."
                    : $"The ledger {fullPath} has schema version {version}; a run upgrades it to {LedgerSchema.CurrentVersion}.");
            }
            Execute(connection, "PRAGMA busy_timeout = 5000;");
            return new RunLedger(fullPath, LedgerMode.ReadOnly, connection, null, time);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static SqliteConnection Connect(string fullPath, SqliteOpenMode mode)
    {
        // Pooling off: disposing must really close the file, so that the lock and the file are released together.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = mode,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    private static FileStream AcquireLock(string fullPath)
    {
        var lockPath = LockPathFor(fullPath);
        try
        {
            // FileShare.None is an OS lock (flock on Unix): the kernel drops it when the holder dies, even on SIGKILL.
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new LedgerLockedException(fullPath, TryReadHolder(fullPath));
        }
    }

    private static LockHolder? TryReadHolder(string fullPath)
    {
        try
        {
            if (!File.Exists(fullPath))
            {
                return null;
            }
            using var connection = Connect(fullPath, SqliteOpenMode.ReadOnly);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT pid, host, started_at FROM run_lock WHERE id = 1";
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new LockHolder(reader.GetInt32(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)))
                : null;
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    private static void WriteHolder(SqliteConnection connection, LockHolder holder)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO run_lock (id, pid, host, started_at) VALUES (1, $pid, $host, $started)";
        command.Parameters.AddWithValue("$pid", holder.ProcessId);
        command.Parameters.AddWithValue("$host", holder.Host);
        command.Parameters.AddWithValue("$started", holder.StartedAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    private static void WriteHolderText(FileStream lockFile, LockHolder holder)
    {
        // For a human who finds the file; the second run reads the holder from the ledger, since it cannot open a locked file.
        var text = System.Text.Encoding.UTF8.GetBytes($"pid={holder.ProcessId}\nhost={holder.Host}\nstarted={holder.StartedAt:O}\n");
        lockFile.SetLength(0);
        lockFile.Write(text);
        lockFile.Flush(flushToDisk: true);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The schema version of the open file (<c>PRAGMA user_version</c>); 0 when the file does not exist.</summary>
    public int SchemaVersion
    {
        get
        {
            lock (_gate)
            {
                return _connection is null ? 0 : LedgerSchema.ReadVersion(Connection);
            }
        }
    }

    /// <summary>The open connection's <c>PRAGMA synchronous</c> (2 = FULL), for the tests that pin durability.</summary>
    internal long Synchronous
    {
        get
        {
            lock (_gate)
            {
                using var command = Connection.CreateCommand();
                command.CommandText = "PRAGMA synchronous";
                return (long)command.ExecuteScalar()!;
            }
        }
    }

    private SqliteConnection Connection
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _connection ?? throw new InvalidOperationException("The ledger file does not exist.");
        }
    }

    /// <inheritdoc />
    public LedgerEntry? Find(string action, string key) => FindRecord(action, key)?.ToEntry();

    private const string RecordColumns =
        "action, key, group_id, action_type, state, content_hash, request_hash, reference_id, action_id, attempts, " +
        "last_error, first_row, attempt_started_at, in_doubt_since, sent_at, reconciled, updated_at, sent_title, resolved_by, resolved_at";

    /// <summary>Everything the ledger keeps about one item, or null. Uses one prepared statement for every call.</summary>
    public LedgerRecord? FindRecord(string action, string key)
    {
        lock (_gate)
        {
            if (_connection is null)
            {
                return null;
            }
            if (_find is null)
            {
                _find = Connection.CreateCommand();
                _find.CommandText = $"SELECT {RecordColumns} FROM items WHERE action = $action AND key = $key";
                _find.Parameters.Add("$action", SqliteType.Text);
                _find.Parameters.Add("$key", SqliteType.Text);
                _find.Prepare();
            }
            _find.Parameters["$action"].Value = action;
            _find.Parameters["$key"].Value = key;
            using var reader = _find.ExecuteReader();
            return reader.Read() ? ReadRecord(reader) : null;
        }
    }

    private static LedgerRecord ReadRecord(SqliteDataReader r) => new(
        Action: r.GetString(0),
        Key: r.GetString(1),
        GroupId: r.GetString(2),
        ActionType: r.GetString(3),
        State: Enum.Parse<ItemState>(r.GetString(4)),
        ContentHash: r.GetString(5),
        RequestHash: r.IsDBNull(6) ? null : r.GetString(6),
        ReferenceId: r.IsDBNull(7) ? null : r.GetString(7),
        ActionId: r.IsDBNull(8) ? null : r.GetString(8),
        Attempts: r.GetInt32(9),
        LastError: r.IsDBNull(10) ? null : r.GetString(10),
        FirstRow: r.IsDBNull(11) ? null : r.GetInt64(11),
        AttemptStartedAt: Time(r, 12),
        InDoubtSince: Time(r, 13),
        SentAt: Time(r, 14),
        Reconciled: r.GetInt64(15) != 0,
        UpdatedAt: DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(16)),
        SentTitle: r.IsDBNull(17) ? null : r.GetString(17),
        ResolvedBy: r.IsDBNull(18) ? null : r.GetString(18),
        ResolvedAt: Time(r, 19));

    private static DateTimeOffset? Time(SqliteDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(ordinal));

    /// <summary>Records, durably and before the request leaves, that an attempt is starting: the item becomes in-doubt
    /// until <see cref="MarkSent"/> or <see cref="MarkFailed"/>. A crash in between leaves it in-doubt, to be reconciled.</summary>
    /// <param name="requestHash">The canonical hash of the actionBody being sent.</param>
    /// <param name="sentTitle">What the read-back's summary will call it (<see cref="Actions.ReadBackIdentity.TitleOf"/>).</param>
    /// <exception cref="LedgerUnwritableException">This write failed, or an earlier one did: the request must not leave.</exception>
    public void MarkInDoubt(RenderedItem item, string requestHash, string? sentTitle, DateTimeOffset attemptStartedAt)
    {
        ArgumentNullException.ThrowIfNull(item);
        Write("""
            INSERT INTO items (action, key, group_id, action_type, state, content_hash, request_hash, sent_title, attempts,
                               first_row, attempt_started_at, in_doubt_since, updated_at)
            VALUES ($action, $key, $group, $type, 'InDoubt', $content, $request, $title, 1, $row, $started, $started, $now)
            ON CONFLICT (action, key) DO UPDATE SET
                group_id = excluded.group_id, action_type = excluded.action_type, content_hash = excluded.content_hash,
                request_hash = excluded.request_hash, sent_title = excluded.sent_title, attempts = items.attempts + 1,
                first_row = excluded.first_row,
                attempt_started_at = excluded.attempt_started_at,
                in_doubt_since = CASE WHEN items.state = 'InDoubt' AND items.in_doubt_since IS NOT NULL
                                      THEN items.in_doubt_since ELSE excluded.in_doubt_since END,
                state = 'InDoubt', updated_at = excluded.updated_at
            """,
            c =>
            {
                BindItem(c, item);
                c.Parameters.AddWithValue("$request", requestHash);
                c.Parameters.AddWithValue("$title", (object?)sentTitle ?? DBNull.Value);
                c.Parameters.AddWithValue("$started", attemptStartedAt.ToUnixTimeMilliseconds());
            },
            opensDoubt: true);
    }

    /// <summary>The item's identity and what the ledger keeps of it, as every insert of an item binds them.</summary>
    private static void BindItem(SqliteCommand c, RenderedItem item)
    {
        c.Parameters.AddWithValue("$action", item.Action);
        c.Parameters.AddWithValue("$key", item.Key);
        c.Parameters.AddWithValue("$group", item.GroupId);
        c.Parameters.AddWithValue("$type", item.PackageId ?? item.ActionType);
        c.Parameters.AddWithValue("$content", item.ContentHash);
        c.Parameters.AddWithValue("$row", item.Rows.Count > 0 ? item.Rows[0] : DBNull.Value);
    }

    /// <summary>The service accepted the item (or the read-back found it: <paramref name="reconciled"/>).</summary>
    public void MarkSent(string action, string key, string? referenceId, string? actionId, bool reconciled = false) =>
        Write("""
            UPDATE items SET state = 'Sent', reference_id = $ref, action_id = $id, last_error = NULL, in_doubt_since = NULL,
                             sent_at = $now, reconciled = $reconciled, updated_at = $now
            WHERE action = $action AND key = $key
            """,
            c =>
            {
                c.Parameters.AddWithValue("$action", action);
                c.Parameters.AddWithValue("$key", key);
                c.Parameters.AddWithValue("$ref", (object?)referenceId ?? DBNull.Value);
                c.Parameters.AddWithValue("$id", (object?)actionId ?? DBNull.Value);
                c.Parameters.AddWithValue("$reconciled", reconciled ? 1 : 0);
            });

    /// <summary>A permanent error, or attempts exhausted with the outcome known: the next run sends it again.
    /// <paramref name="error"/> must hold no secret.</summary>
    public void MarkFailed(string action, string key, string error) =>
        SetState(action, key, "Failed", error);

    /// <summary>The item failed before any request left (a media upload was refused, say). Creates the row if needed;
    /// never touches an item already sent or in doubt, whose Action may exist.</summary>
    public void MarkFailedBeforeSending(RenderedItem item, string error)
    {
        ArgumentNullException.ThrowIfNull(item);
        Write("""
            INSERT INTO items (action, key, group_id, action_type, state, content_hash, attempts, last_error, first_row, updated_at)
            VALUES ($action, $key, $group, $type, 'Failed', $content, 0, $error, $row, $now)
            ON CONFLICT (action, key) DO UPDATE SET state = 'Failed', content_hash = excluded.content_hash,
                last_error = excluded.last_error, updated_at = excluded.updated_at
            WHERE items.state NOT IN ('Sent', 'InDoubt')
            """,
            c =>
            {
                BindItem(c, item);
                c.Parameters.AddWithValue("$error", error);
            });
    }

    /// <summary>Keeps the item in-doubt (the last attempt's outcome is unknown) and records why.</summary>
    public void MarkStillInDoubt(string action, string key, string error) =>
        SetState(action, key, "InDoubt", error);

    private void SetState(string action, string key, string state, string error) =>
        Write("""
            UPDATE items SET state = $state, last_error = $error,
                             in_doubt_since = CASE WHEN $state = 'InDoubt' THEN in_doubt_since ELSE NULL END,
                             updated_at = $now
            WHERE action = $action AND key = $key
            """,
            c =>
            {
                c.Parameters.AddWithValue("$action", action);
                c.Parameters.AddWithValue("$key", key);
                c.Parameters.AddWithValue("$state", state);
                c.Parameters.AddWithValue("$error", error);
            });

    /// <summary>The item failed validation and was never sent. Creates the row if needed; never touches a sent item.</summary>
    public void MarkInvalid(RenderedItem item, string error)
    {
        ArgumentNullException.ThrowIfNull(item);
        Write("""
            INSERT INTO items (action, key, group_id, action_type, state, content_hash, attempts, last_error, first_row, updated_at)
            VALUES ($action, $key, $group, $type, 'Invalid', $content, 0, $error, $row, $now)
            ON CONFLICT (action, key) DO UPDATE SET state = 'Invalid', content_hash = excluded.content_hash,
                last_error = excluded.last_error, updated_at = excluded.updated_at
            WHERE items.state IN ('New', 'Invalid', 'Failed')
            """,
            c =>
            {
                BindItem(c, item);
                c.Parameters.AddWithValue("$error", error);
            });
    }

    /// <summary>True when some item already owns this referenceId; the read-back never hands one Action to two items.</summary>
    public bool IsReferenceKnown(string referenceId) =>
        Query(false, command =>
        {
            command.CommandText = "SELECT 1 FROM items WHERE reference_id = $ref LIMIT 1";
            command.Parameters.AddWithValue("$ref", referenceId);
            return command.ExecuteScalar() is not null;
        });

    /// <summary>One read under the ledger's lock: <paramref name="read"/> gets a fresh command; <paramref name="absent"/> is
    /// the answer when there is no ledger file yet.</summary>
    private T Query<T>(T absent, Func<SqliteCommand, T> read)
    {
        lock (_gate)
        {
            if (_connection is null)
            {
                return absent;
            }
            using var command = Connection.CreateCommand();
            return read(command);
        }
    }

    /// <summary>The mediaResource of a file already uploaded, by the file's content hash.</summary>
    public MediaRecord? FindMedia(string contentHash) =>
        Query<MediaRecord?>(null, command =>
        {
            command.CommandText = "SELECT content_hash, media_resource, file_name, uploaded_at FROM media WHERE content_hash = $hash";
            command.Parameters.AddWithValue("$hash", contentHash);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new MediaRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)))
                : null;
        });

    /// <summary>Remembers, durably, an uploaded file's mediaResource so that it is never uploaded again.</summary>
    public void RecordMedia(string contentHash, string mediaResource, string fileName) =>
        Write("""
            INSERT INTO media (content_hash, media_resource, file_name, uploaded_at) VALUES ($hash, $resource, $name, $now)
            ON CONFLICT (content_hash) DO NOTHING
            """,
            c =>
            {
                c.Parameters.AddWithValue("$hash", contentHash);
                c.Parameters.AddWithValue("$resource", mediaResource);
                c.Parameters.AddWithValue("$name", fileName);
            });

    /// <summary>How many items each action has in each state, ordered by action then state.</summary>
    public IReadOnlyList<StateCount> CountByState() =>
        Query<IReadOnlyList<StateCount>>([], command =>
        {
            var counts = new List<StateCount>();
            command.CommandText = "SELECT action, state, COUNT(*) FROM items GROUP BY action, state ORDER BY action, state";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                counts.Add(new StateCount(reader.GetString(0), Enum.Parse<ItemState>(reader.GetString(1)), reader.GetInt32(2)));
            }
            return counts;
        });

    /// <summary>Every item, ordered by action and key, streamed from a connection of its own
    /// (so a long export neither loads the file into memory nor blocks the senders).</summary>
    public IEnumerable<LedgerRecord> Export()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_connection is null)
        {
            yield break;
        }
        using var connection = Connect(Path, SqliteOpenMode.ReadOnly);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {RecordColumns} FROM items ORDER BY action, key";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return ReadRecord(reader);
        }
    }

    /// <param name="changed">Told how many rows the statement changed, once it ran.</param>
    private void Write(string sql, Action<SqliteCommand> bind, Action<int>? changed = null, bool opensDoubt = false)
    {
        if (Mode != LedgerMode.ReadWrite)
        {
            throw new InvalidOperationException("The ledger was opened read-only.");
        }
        // Group commit: every write is durable before this method returns, as before, but writes that arrive while a
        // commit is under way share the next transaction and its fsync instead of queueing for one each. With many
        // senders in flight the fsync, not SQLite or the network, was what bounded a run (bench/send-throughput.sh).
        var write = new PendingWrite(sql, bind, changed, opensDoubt);
        lock (_pendingGate)
        {
            _pending.Add(write);
        }
        lock (_commitGate)
        {
            if (!write.Done)
            {
                CommitPending();
            }
        }
        if (write.Error is { } error)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
    }

    /// <summary>Commits every write queued so far in one transaction. Called under <see cref="_commitGate"/>.
    /// Once a write has failed for a reason outside the program (<see cref="LedgerUnwritableException"/>), every later
    /// in-doubt mark is refused without being tried: commits are serial, so no request is let out after the failure.</summary>
    private void CommitPending()
    {
        List<PendingWrite> batch;
        lock (_pendingGate)
        {
            batch = _pending;
            _pending = [];
        }
        lock (_gate)
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var writes = batch;
            try
            {
                if (_unwritable is not null)
                {
                    writes = batch.Where(w => !Refused(w)).ToList();
                }
                if (writes.Count > 0)
                {
                    using var transaction = Connection.BeginTransaction();
                    foreach (var write in writes)
                    {
                        Execute(write, transaction, now);
                    }
                    transaction.Commit(); // WAL + synchronous=FULL: one fsync for the whole batch
                }
            }
            catch (Exception) when (writes.Count > 1)
            {
                // One write failed and took the batch's transaction with it: commit each alone, so only it fails.
                foreach (var write in writes)
                {
                    if (Refused(write))
                    {
                        continue;
                    }
                    try
                    {
                        Execute(write, null, now);
                    }
                    catch (Exception ex)
                    {
                        write.Error = Unwritable(ex);
                    }
                }
            }
            catch (Exception ex)
            {
                // Whatever went wrong, no write of the batch may return as if it were durable.
                writes[0].Error = Unwritable(ex);
            }
            finally
            {
                foreach (var write in batch)
                {
                    write.Done = true;
                }
            }
        }
    }

    /// <summary>True (and the write failed) for an in-doubt mark after a failed write.</summary>
    private bool Refused(PendingWrite write)
    {
        if (_unwritable is not { } failed || !write.OpensDoubt)
        {
            return false;
        }
        write.Error = new LedgerUnwritableException(Path, failed.Cause, failed.InnerException!);
        return true;
    }

    /// <summary>A failure of the disk, the filesystem or its permissions as a <see cref="LedgerUnwritableException"/>
    /// (remembered: the first one stops every later in-doubt mark); any other exception as it is.</summary>
    private Exception Unwritable(Exception ex)
    {
        if (LedgerUnwritableException.CauseOf(ex) is not { } known)
        {
            return ex;
        }
        var unwritable = new LedgerUnwritableException(Path, known, ex);
        _unwritable ??= unwritable;
        return unwritable;
    }

    private void Execute(PendingWrite write, SqliteTransaction? transaction, long now)
    {
        using var command = Connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = write.Sql;
        write.Bind(command);
        command.Parameters.AddWithValue("$now", now);
        var rows = command.ExecuteNonQuery();
        write.Changed?.Invoke(rows);
    }

    /// <summary>A write waiting for its commit. Done and Error are set and read under <see cref="_commitGate"/>.</summary>
    private sealed class PendingWrite(string sql, Action<SqliteCommand> bind, Action<int>? changed, bool opensDoubt)
    {
        /// <summary>An in-doubt mark: a request leaves once it is durable.</summary>
        public bool OpensDoubt { get; } = opensDoubt;

        public string Sql { get; } = sql;

        public Action<SqliteCommand> Bind { get; } = bind;

        public Action<int>? Changed { get; } = changed;

        public bool Done { get; set; }

        public Exception? Error { get; set; }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _find?.Dispose();
            if (_connection is not null && Mode == LedgerMode.ReadWrite)
            {
                try
                {
                    Execute(_connection, "DELETE FROM run_lock WHERE id = 1 AND pid = " + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
                }
                catch (SqliteException)
                {
                    // The holder record is informational only; the OS lock below is what matters.
                }
            }
            _connection?.Dispose();
            _lockFile?.Dispose();
        }
    }
}
