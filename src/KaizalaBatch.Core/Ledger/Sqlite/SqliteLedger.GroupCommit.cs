using Microsoft.Data.Sqlite;

namespace KaizalaBatch.Ledger.Sqlite;

/// <summary>The writer: every write durable before it returns, concurrent writes sharing one commit.</summary>
public sealed partial class SqliteLedger
{
    private void Write(string sql, Action<SqliteCommand> bind, Action<int>? changed = null, bool opensDoubt = false) =>
        Enqueue(new PendingWrite(sql, bind, changed, opensDoubt)).GetAwaiter().GetResult();

    /// <summary>Group commit: a write is durable when its task completes, and writes that arrive while a commit is under way
    /// share the next transaction and its fsync instead of queueing for one each (with many senders in flight the fsync,
    /// not SQLite or the network, bounded a run: bench/send-throughput.sh). The writer that finds no commit under way
    /// commits, on its own thread, until nothing is pending; the others wait for their task without holding a thread
    /// (awaited) or blocked on it (<see cref="Write"/>). Commits are serial, so a write that fails is followed by no
    /// in-doubt mark (see <see cref="CommitPending"/>).</summary>
    private Task Enqueue(PendingWrite write)
    {
        if (Mode != LedgerMode.ReadWrite)
        {
            throw new InvalidOperationException("The ledger was opened read-only.");
        }
        lock (_pendingGate)
        {
            _pending.Add(write);
        }
        while (Interlocked.CompareExchange(ref _committing, 1, 0) == 0)
        {
            try
            {
                while (HasPending())
                {
                    CommitPending();
                }
            }
            finally
            {
                Volatile.Write(ref _committing, 0);
            }
            // A write queued after the last look, whose writer found this commit under way, is committed here.
            if (!HasPending())
            {
                break;
            }
        }
        return write.Completion;
    }

    private bool HasPending()
    {
        lock (_pendingGate)
        {
            return _pending.Count > 0;
        }
    }

    /// <summary>Commits every write queued so far in one transaction. Called by one writer at a time (<see cref="Enqueue"/>).
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
                        // In a transaction of its own: a write of several statements is applied whole or not at all.
                        using var alone = Connection.BeginTransaction();
                        Execute(write, alone, now);
                        alone.Commit();
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
                    write.Complete();
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
        if (SqliteFailure.CauseOf(ex) is not { } known)
        {
            return ex;
        }
        var unwritable = new LedgerUnwritableException(Path, known, ex);
        _unwritable ??= unwritable;
        return unwritable;
    }

    /// <summary>Runs one write with its statement's prepared command (under <see cref="_gate"/>).</summary>
    private void Execute(PendingWrite write, SqliteTransaction? transaction, long now)
    {
        if (!_writes.TryGetValue(write.Sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = write.Sql;
            _writes[write.Sql] = command;
        }
        command.Transaction = transaction;
        command.Parameters.Clear();
        write.Bind(command);
        command.Parameters.AddWithValue("$now", now);
        var rows = command.ExecuteNonQuery();
        write.Changed?.Invoke(rows);
    }

    /// <summary>A write waiting for its commit. Error is set by the committing writer before it completes the write.</summary>
    private sealed class PendingWrite(string sql, Action<SqliteCommand> bind, Action<int>? changed, bool opensDoubt)
    {
        /// <summary>An in-doubt mark: a request leaves once it is durable.</summary>
        public bool OpensDoubt { get; } = opensDoubt;

        public string Sql { get; } = sql;

        public Action<SqliteCommand> Bind { get; } = bind;

        public Action<int>? Changed { get; } = changed;

        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Error { get; set; }

        /// <summary>Completes when the write is durable; faults with its error when it is not.</summary>
        public Task Completion => _done.Task;

        public void Complete()
        {
            if (Error is { } error)
            {
                _done.TrySetException(error);
            }
            else
            {
                _done.TrySetResult();
            }
        }
    }
}
