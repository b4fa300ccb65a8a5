using Npgsql;

namespace KaizalaBatch.Ledger.Postgres;

/// <summary>One runner's part in a shared run: its claims on items, under leases that its ledger's heartbeat renews
/// (<see cref="PostgresLedger"/>), and its calls in the pace all the runners keep together
/// (<see cref="PostgresSharedRun"/>'s other half). Leases are the database's clock, so the runners' clocks need not agree.</summary>
internal sealed partial class PostgresSharedRun(NpgsqlDataSource data, string location, long runnerId, TimeSpan lease) : ISharedRun
{
    public long RunnerId => runnerId;

    /// <summary>Claims the item in one transaction: a free item is inserted as this runner's; a claimed one is looked at
    /// with its row locked, skipping a row another runner is claiming right now (<c>FOR UPDATE SKIP LOCKED</c>); a lapsed
    /// lease is taken over. The ledger's entry is read in the same transaction, under the claim.</summary>
    public Claim TryClaim(string action, string key)
    {
        return Run<Claim>(connection =>
        {
            using var transaction = connection.BeginTransaction();
            long? lapsedHolder = null;
            using (var insert = Command(connection, transaction, """
                INSERT INTO claims (action, key, runner_id, lease_until) VALUES (@action, @key, @me, now() + @lease)
                ON CONFLICT (action, key) DO NOTHING
                """, action, key))
            {
                if (insert.ExecuteNonQuery() == 0)
                {
                    using var look = Command(connection, transaction, """
                        SELECT runner_id, lease_until, lease_until <= now() FROM claims
                        WHERE action = @action AND key = @key FOR UPDATE SKIP LOCKED
                        """, action, key);
                    long holder;
                    DateTimeOffset until;
                    bool lapsed;
                    using (var reader = look.ExecuteReader())
                    {
                        if (!reader.Read())
                        {
                            // Another runner is claiming it at this moment (or just released it): look again later.
                            return new Claim.Held(0, DateTimeOffset.MinValue);
                        }
                        (holder, until, lapsed) = (reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetBoolean(2));
                    }
                    if (holder != runnerId && !lapsed)
                    {
                        return new Claim.Held(holder, until);
                    }
                    lapsedHolder = holder == runnerId ? null : holder;
                    using var take = Command(connection, transaction,
                        "UPDATE claims SET runner_id = @me, lease_until = now() + @lease WHERE action = @action AND key = @key", action, key);
                    take.ExecuteNonQuery();
                }
            }
            using var read = Command(connection, transaction,
                $"SELECT {PostgresLedger.RecordColumns} FROM items WHERE action = @action AND key = @key", action, key);
            Planning.LedgerEntry? entry;
            using (var reader = read.ExecuteReader())
            {
                entry = reader.Read() ? PostgresLedger.ReadRecord(reader).ToEntry() : null;
            }
            transaction.Commit();
            return new Claim.Granted(entry, lapsedHolder);
        });
    }

    public void Release(string action, string key) =>
        Run(connection =>
        {
            using var release = Command(connection, null, "DELETE FROM claims WHERE action = @action AND key = @key AND runner_id = @me", action, key);
            return release.ExecuteNonQuery();
        });

    /// <summary>Renews this runner's claim inside <paramref name="transaction"/> (an in-doubt mark's): false when the
    /// claim is no longer this runner's, or its lease has lapsed (another runner may take it over at any moment).</summary>
    public bool Renew(NpgsqlConnection connection, NpgsqlTransaction transaction, string action, string key)
    {
        using var renew = Command(connection, transaction, """
            UPDATE claims SET lease_until = now() + @lease
            WHERE action = @action AND key = @key AND runner_id = @me AND lease_until > now()
            """, action, key);
        return renew.ExecuteNonQuery() == 1;
    }

    private NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, string action, string key)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(Sql.Text("action", action));
        command.Parameters.Add(Sql.Text("key", key));
        command.Parameters.Add(new NpgsqlParameter<long>("me", runnerId));
        command.Parameters.Add(new NpgsqlParameter<TimeSpan>("lease", lease));
        return command;
    }

    /// <summary>One unit of work on a pooled connection; a failure of the server or the network is the ledger's
    /// <see cref="LedgerUnwritableException"/>, so the run stops taking items as it does for any ledger that cannot be written.</summary>
    private T Run<T>(Func<NpgsqlConnection, T> work)
    {
        try
        {
            using var connection = data.OpenConnection();
            return work(connection);
        }
        catch (Exception ex) when (PostgresFailure.CauseOf(ex) is { } cause)
        {
            throw new LedgerUnwritableException(location, cause, ex);
        }
    }
}
