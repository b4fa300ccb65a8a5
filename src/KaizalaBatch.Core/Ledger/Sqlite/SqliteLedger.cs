using System.Globalization;
using KaizalaBatch.Planning;
using Microsoft.Data.Sqlite;

namespace KaizalaBatch.Ledger.Sqlite;

/// <summary>The SQLite store of every item's outcome and every uploaded media file (SPEC section 2).
/// Every write is committed in WAL mode with <c>synchronous=FULL</c> before it returns, so a committed write survives a
/// power cut; writes from concurrent senders share a commit (group commit).
/// A read-write open holds the run lock until disposed; a read-only open never creates, migrates or locks anything.
/// A write that the disk, the filesystem or its permissions refuse throws <see cref="LedgerUnwritableException"/>.
/// Thread-safe: the senders share one instance.</summary>
public sealed partial class SqliteLedger : ILedger
{
    private readonly SqliteConnection? _connection;
    private readonly FileStream? _lockFile;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private int _committing; // 1 while a writer commits the pending writes (SqliteLedger.GroupCommit.cs)
    private readonly Lock _pendingGate = new();
    private List<PendingWrite> _pending = [];
    private SqliteCommand? _find;

    /// <summary>One prepared command per write statement, reused under the commit's lock: SQLite parses and plans a statement
    /// once, not once a write (bench/send-throughput.sh: the parser was about 2% of a run).</summary>
    private readonly Dictionary<string, SqliteCommand> _writes = new(StringComparer.Ordinal);
    private LedgerUnwritableException? _unwritable; // the first write that failed; set and read under _gate
    private bool _disposed;

    private SqliteLedger(string path, LedgerMode mode, SqliteConnection? connection, FileStream? lockFile, TimeProvider time)
    {
        Path = path;
        Mode = mode;
        _connection = connection;
        _lockFile = lockFile;
        _time = time;
    }

    /// <summary>The ledger file's full path.</summary>
    public string Path { get; }

    public string Location => Path;

    public bool IsWritable => Mode == LedgerMode.ReadWrite;

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

    /// <summary>Opens a ledger. <see cref="LedgerMode.ReadWrite"/> takes the run lock (throws <see cref="LedgerLockedException"/>
    /// at once when another run holds it), creates the file if needed and migrates it.
    /// <see cref="LedgerMode.ReadOnly"/> of a missing file gives an empty ledger without creating it.</summary>
    /// <param name="createdAt">The creation time a new ledger records (see <see cref="LedgerOptions.CreatedAt"/>); null: now.</param>
    public static SqliteLedger Open(string path, LedgerMode mode, TimeProvider? time = null, DateTimeOffset? createdAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // A file cannot be shared between runners: a shared run holds it alone, as every run always did.
        mode = mode == LedgerMode.SharedRun ? LedgerMode.ReadWrite : mode;
        try
        {
            return OpenFile(path, mode, time, createdAt);
        }
        catch (SqliteException ex)
        {
            throw new LedgerUnreadableException(mode == LedgerMode.ReadOnly
                ? $"this is not a readable KaizalaBatch ledger ({ex.SqliteErrorCode}: {ex.Message.Split('\n')[0]})."
                : $"cannot open the ledger: {ex.Message.Split('\n')[0]}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LedgerUnreadableException($"cannot open the ledger: {ex.Message.Split('\n')[0]}", ex);
        }
    }

    private static SqliteLedger OpenFile(string path, LedgerMode mode, TimeProvider? time, DateTimeOffset? createdAt)
    {
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
            // A checkpoint copies each page the WAL holds once, however often it was written since the last one: at 16,384
            // pages (64 MB of WAL at most) instead of 1,000, a run of 20,000 items wrote 546 MB instead of 765 MB
            // (bench/README.md, issue 15). Every commit is still fsynced (synchronous = FULL). A sender's writes land on
            // random pages (keys are group ids): with SQLite's default 2 MB page cache a run of 20,000 items read 88,572
            // pages back from the file; 32 MB holds such a ledger whole and is only taken as pages are touched.
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA wal_autocheckpoint = 16384; " +
                "PRAGMA cache_size = -32768;");
            LedgerSchema.Migrate(connection, LedgerSchema.CurrentVersion);
            using (var created = connection.CreateCommand())
            {
                created.CommandText = "INSERT OR IGNORE INTO ledger_info (id, created_at) VALUES (1, $now)";
                created.Parameters.AddWithValue("$now", (createdAt ?? time.GetUtcNow()).ToUnixTimeMilliseconds());
                created.ExecuteNonQuery();
            }
            var holder = new LockHolder(Environment.ProcessId, Environment.MachineName, time.GetUtcNow());
            WriteHolder(connection, holder);
            WriteHolderText(lockFile, holder);
            return new SqliteLedger(fullPath, mode, connection, lockFile, time);
        }
        catch
        {
            connection?.Dispose();
            lockFile.Dispose();
            throw;
        }
    }

    private static SqliteLedger OpenReadOnly(string fullPath, TimeProvider time)
    {
        if (!File.Exists(fullPath))
        {
            return new SqliteLedger(fullPath, LedgerMode.ReadOnly, null, null, time);
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
            return new SqliteLedger(fullPath, LedgerMode.ReadOnly, connection, null, time);
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

    /// <summary>Read from the open connection, so that <c>status</c> shows what really holds (and the durability tests pin it).</summary>
    public string Durability
    {
        get
        {
            lock (_gate)
            {
                if (_connection is null)
                {
                    return "SQLite (no file yet)";
                }
                using var command = Connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode";
                var journal = (string)command.ExecuteScalar()!;
                command.CommandText = "PRAGMA synchronous";
                var synchronous = (long)command.ExecuteScalar()! switch
                {
                    0 => "OFF",
                    1 => "NORMAL",
                    2 => "FULL",
                    3 => "EXTRA",
                    var n => n.ToString(CultureInfo.InvariantCulture),
                };
                return $"SQLite {journal.ToUpperInvariant()}, synchronous={synchronous}";
            }
        }
    }

    /// <summary>One run at a time: nothing to share.</summary>
    public ISharedRun? Sharing => null;

    /// <summary>The run lock is an OS lock on a file; no runners are recorded.</summary>
    public IReadOnlyList<RunnerInfo> Runners() => [];

    private SqliteConnection Connection
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _connection ?? throw new InvalidOperationException("The ledger file does not exist.");
        }
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
            foreach (var command in _writes.Values)
            {
                command.Dispose();
            }
            _writes.Clear();
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
