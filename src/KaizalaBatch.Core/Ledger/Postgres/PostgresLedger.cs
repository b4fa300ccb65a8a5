using KaizalaBatch.RunFiles;
using Npgsql;

namespace KaizalaBatch.Ledger.Postgres;

/// <summary>The ledger in a PostgreSQL database (SPEC section 2): the same promises as the SQLite ledger, and one more:
/// runners on several machines may share it (<see cref="LedgerMode.SharedRun"/>, <see cref="Sharing"/>).
/// Every write is committed (<c>synchronous_commit=on</c>) before it returns, so it is on the server's disk before the
/// request it guards leaves. The run lock is a session-level advisory lock, shared by the runners of a run and exclusive
/// for resolve, report and remind; the server drops it with the session when a runner dies. A read-only open never
/// creates, migrates or locks anything. No password is ever shown: <see cref="Location"/> is the URL without one.
/// Thread-safe: the senders share one instance, each write on a pooled connection of its own.</summary>
public sealed partial class PostgresLedger : ILedger
{
    /// <summary>The advisory lock key of the run lock ("KBRUN"); advisory locks belong to one database, so one ledger.</summary>
    private const long RunLock = 0x4B42_5255_4E;

    private readonly NpgsqlDataSource _data;
    private readonly NpgsqlConnection? _lockConnection; // holds the run lock for as long as the ledger is open
    private readonly TimeProvider _time;
    private readonly TimeSpan _lease;
    private readonly Lock _gate = new();
    private readonly PostgresSharedRun? _shared;
    private readonly ITimer? _heartbeat;
    private readonly bool _exists;
    private LedgerUnwritableException? _unwritable; // the first write that failed; set and read under _gate
    private int _beating;
    private bool _disposed;

    private PostgresLedger(string location, LedgerMode mode, NpgsqlDataSource data, NpgsqlConnection? lockConnection, TimeProvider time,
        TimeSpan lease, long? runnerId, bool exists)
    {
        Location = location;
        Mode = mode;
        _data = data;
        _lockConnection = lockConnection;
        _time = time;
        _lease = lease;
        _exists = exists;
        RunnerId = runnerId;
        if (runnerId is { } id)
        {
            _shared = mode == LedgerMode.SharedRun ? new PostgresSharedRun(data, location, id, lease) : null;
            // Four beats a lease: a runner that misses one or two (a slow moment) keeps its items.
            var period = TimeSpan.FromTicks(Math.Clamp(lease.Ticks / 4, TimeSpan.TicksPerSecond / 4, TimeSpan.TicksPerSecond * 30));
            _heartbeat = time.CreateTimer(_ => Beat(), null, period, period);
        }
    }

    /// <summary>The URL without its password.</summary>
    public string Location { get; }

    public LedgerMode Mode { get; }

    public bool IsWritable => Mode != LedgerMode.ReadOnly;

    /// <summary>False for a read-only open of a database that has no ledger yet: it stays empty and untouched.</summary>
    public bool Exists => _exists;

    /// <summary>This open's row in <c>runners</c>; null for a read-only open.</summary>
    public long? RunnerId { get; }

    public ISharedRun? Sharing => _shared;

    /// <summary>Opens the ledger in the database <paramref name="url"/> names.</summary>
    /// <exception cref="LedgerLockedException">A run holds it and this open would exclude it, or resolve/report/remind holds
    /// it (exit 3).</exception>
    /// <exception cref="LedgerSchemaException">Written by a newer version, or not migrated yet for a read-only open.</exception>
    /// <exception cref="LedgerUnreadableException">The URL cannot be used, the server cannot be reached, the database does not
    /// exist, or the credentials are refused.</exception>
    public static PostgresLedger Open(string url, LedgerMode mode, TimeProvider? time = null, LedgerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        time ??= TimeProvider.System;
        options ??= new LedgerOptions();
        var location = LedgerLocation.Redact(url);
        NpgsqlDataSource data;
        try
        {
            data = PostgresConnection.Create(url, options.Password);
        }
        catch (ArgumentException ex)
        {
            throw new LedgerUnreadableException($"the ledger URL {location} cannot be used: {ex.Message}", ex);
        }
        try
        {
            return mode == LedgerMode.ReadOnly
                ? OpenReadOnly(location, data, time)
                : OpenForWriting(location, mode, data, time, options.Lease ?? LedgerOptions.DefaultLease, options.CreatedAt);
        }
        catch (Exception ex) when (ex is NpgsqlException || PostgresFailure.CauseOf(ex) is not null)
        {
            data.Dispose();
            throw new LedgerUnreadableException(CannotOpen(location, ex), ex);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>Whether the database has a ledger yet; true also when it cannot be asked (the open that follows says why).</summary>
    public static bool HasLedger(string url, LedgerOptions? options = null)
    {
        try
        {
            using var data = PostgresConnection.Create(url, options?.Password);
            using var connection = data.OpenConnection();
            return PostgresSchema.ReadVersion(connection) > 0;
        }
        catch (Exception ex) when (ex is ArgumentException or NpgsqlException || PostgresFailure.CauseOf(ex) is not null)
        {
            return true;
        }
    }

    private static PostgresLedger OpenReadOnly(string location, NpgsqlDataSource data, TimeProvider time)
    {
        using var connection = data.OpenConnection();
        var version = PostgresSchema.ReadVersion(connection);
        if (version != 0 && version != PostgresSchema.CurrentVersion)
        {
            throw new LedgerSchemaException(version > PostgresSchema.CurrentVersion
                ? $"The ledger {location} has schema version {version}, newer than this version of KaizalaBatch understands ({PostgresSchema.CurrentVersion})."
                : $"The ledger {location} has schema version {version}; a run upgrades it to {PostgresSchema.CurrentVersion}.");
        }
        return new PostgresLedger(location, LedgerMode.ReadOnly, data, null, time, LedgerOptions.DefaultLease, null, exists: version != 0);
    }

    private static PostgresLedger OpenForWriting(string location, LedgerMode mode, NpgsqlDataSource data, TimeProvider time, TimeSpan lease,
        DateTimeOffset? createdAt)
    {
        var connection = data.OpenConnection();
        try
        {
            var shared = mode == LedgerMode.SharedRun;
            using (var take = new NpgsqlCommand(shared ? $"SELECT pg_try_advisory_lock_shared({RunLock})" : $"SELECT pg_try_advisory_lock({RunLock})", connection))
            {
                if (take.ExecuteScalar() is not true)
                {
                    throw new LedgerLockedException(location, Holder(connection, shared));
                }
            }
            PostgresSchema.Migrate(connection, PostgresSchema.CurrentVersion);
            using (var created = new NpgsqlCommand("""
                INSERT INTO ledger_info (id, created_at) VALUES (1, @now) ON CONFLICT (id) DO NOTHING;
                DELETE FROM runners r WHERE r.heartbeat_at < now() - interval '1 day'
                    AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.runner_id = r.id AND c.lease_until > now());
                """, connection))
            {
                created.Parameters.Add(Sql.Time("now", createdAt ?? time.GetUtcNow()));
                created.ExecuteNonQuery();
            }
            using var register = new NpgsqlCommand(
                "INSERT INTO runners (host, pid, shared, started_at, heartbeat_at) VALUES (@host, @pid, @shared, now(), now()) RETURNING id",
                connection);
            register.Parameters.Add(Sql.Text("host", Environment.MachineName));
            register.Parameters.Add(new NpgsqlParameter<int>("pid", Environment.ProcessId));
            register.Parameters.Add(new NpgsqlParameter<bool>("shared", shared));
            var runnerId = (long)register.ExecuteScalar()!;
            return new PostgresLedger(location, mode, data, connection, time, lease, runnerId, exists: true);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Who holds the lock this open was refused: for a shared run, the command holding it alone; otherwise the
    /// runner heard from last. Null when nothing is recorded yet (the holder is still starting).</summary>
    private static LockHolder? Holder(NpgsqlConnection connection, bool wantedShared)
    {
        if (PostgresSchema.ReadVersion(connection) < 2)
        {
            return null;
        }
        using var command = new NpgsqlCommand(
            $"SELECT pid, host, started_at FROM runners {(wantedShared ? "WHERE NOT shared" : "")} ORDER BY heartbeat_at DESC LIMIT 1", connection);
        using var reader = command.ExecuteReader();
        return reader.Read() ? new LockHolder(reader.GetInt32(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)) : null;
    }

    private static string CannotOpen(string location, Exception ex) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } =>
            $"cannot open the ledger {location}: {ex.Message}; create the database first (createdb, or CREATE DATABASE), then run again.",
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
            $"cannot open the ledger {location}: {ex.Message}; give the password as ${{env:NAME}} in the URL or in PGPASSWORD (or ~/.pgpass).",
        _ => $"cannot open the ledger {location}: {ex.Message.Split('\n')[0]}",
    };

    /// <summary>When the ledger was first created (the first run of its run file); null while it does not exist.</summary>
    public DateTimeOffset? CreatedAt => Query<DateTimeOffset?>(null, command =>
    {
        command.CommandText = "SELECT created_at FROM ledger_info WHERE id = 1";
        return command.ExecuteScalar() is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    });

    /// <summary>The schema version of the database (0 when it has no ledger).</summary>
    public int SchemaVersion
    {
        get
        {
            using var connection = _data.OpenConnection();
            return PostgresSchema.ReadVersion(connection);
        }
    }

    /// <summary>Read from the server, so that <c>status</c> shows what really holds.</summary>
    public string Durability => Query("PostgreSQL (no ledger yet)", command =>
    {
        command.CommandText = "SELECT current_setting('server_version'), current_setting('synchronous_commit'), current_setting('fsync')";
        using var reader = command.ExecuteReader();
        reader.Read();
        return $"PostgreSQL {reader.GetString(0).Split(' ')[0]}, synchronous_commit={reader.GetString(1)}, fsync={reader.GetString(2)}";
    });

    /// <summary>Keeps this runner's leases: the heartbeat renews every claim it holds. A beat that fails leaves the leases
    /// to lapse; the fence in <see cref="MarkInDoubt"/> then keeps any request of a lost item from leaving.</summary>
    private void Beat()
    {
        if (Interlocked.Exchange(ref _beating, 1) == 1 || RunnerId is not { } me)
        {
            return;
        }
        try
        {
            using var connection = _data.OpenConnection();
            using var command = new NpgsqlCommand("""
                UPDATE runners SET heartbeat_at = now() WHERE id = @me;
                UPDATE claims SET lease_until = now() + @lease WHERE runner_id = @me;
                DELETE FROM calls WHERE counts_until < now() - interval '10 minutes';
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<long>("me", me));
            command.Parameters.Add(new NpgsqlParameter<TimeSpan>("lease", _lease));
            command.ExecuteNonQuery();
        }
        catch (Exception)
        {
            // A timer's callback must not throw (it would end the process); the server or the ledger is gone, and the
            // leases lapse as they should when a runner can no longer speak for its items.
        }
        finally
        {
            Volatile.Write(ref _beating, 0);
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
        }
        _heartbeat?.Dispose();
        if (_lockConnection is not null)
        {
            try
            {
                // The runner leaves: its claims (none once every item is released) and its row go, then the lock.
                using var leave = new NpgsqlCommand("""
                    DELETE FROM claims WHERE runner_id = @me;
                    DELETE FROM runners WHERE id = @me;
                    SELECT pg_advisory_unlock_all();
                    """, _lockConnection);
                leave.Parameters.Add(new NpgsqlParameter<long>("me", RunnerId ?? 0));
                leave.ExecuteNonQuery();
            }
            catch (Exception ex) when (PostgresFailure.CauseOf(ex) is not null)
            {
                // The session is gone, and with it the lock; the leases lapse.
            }
            _lockConnection.Dispose();
        }
        _data.Dispose();
    }
}
