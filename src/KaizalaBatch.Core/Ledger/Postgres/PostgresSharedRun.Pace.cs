using Npgsql;

namespace KaizalaBatch.Ledger.Postgres;

/// <summary>The pace all the runners keep together: a log of every call to the service in the database, each counted from
/// its start until a window after its end (or, while under way, until the longest a call can last plus a window, so that
/// a runner that dies mid-call cannot make the others exceed the limit), and a 429 pause every runner waits out. The turns
/// are taken one runner at a time (the connector's <c>pace</c> row is locked for the look at the log).</summary>
internal sealed partial class PostgresSharedRun
{
    /// <summary>How often a runner at the limit looks again while calls are under way (their end makes room).</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    public SharedTurn TryStartCall(string connector, int perMinute, TimeSpan window, TimeSpan longest) =>
        Run(connection =>
        {
            using var transaction = connection.BeginTransaction();
            // First the turn (the connector's row locked until commit), then, in a statement of its own so that it sees every
            // call committed before the turn was had, the look at the log and the call's entry in it.
            using var turn = new NpgsqlCommand("""
                INSERT INTO pace (connector) VALUES (@connector)
                ON CONFLICT (connector) DO UPDATE SET connector = excluded.connector
                RETURNING greatest(paused_until - now(), interval '0')
                """, connection, transaction);
            turn.Parameters.Add(Sql.Text("connector", connector));
            var paused = (TimeSpan)turn.ExecuteScalar()!;
            if (paused > TimeSpan.Zero)
            {
                transaction.Commit();
                return new SharedTurn(null, paused);
            }
            using var look = new NpgsqlCommand("""
                WITH counted AS (
                    SELECT count(*)::integer AS calls,
                           min(counts_until - now()) FILTER (WHERE ended) AS oldest_leaves,
                           coalesce(bool_or(NOT ended), false) AS under_way
                    FROM calls WHERE connector = @connector AND NOT refused AND counts_until > now()),
                started AS (
                    INSERT INTO calls (connector, runner_id, started_at, counts_until)
                    SELECT @connector, @me, now(), now() + @longest + @window FROM counted WHERE @limit = 0 OR counted.calls < @limit
                    RETURNING id)
                SELECT (SELECT id FROM started), oldest_leaves, under_way FROM counted
                """, connection, transaction);
            look.Parameters.Add(Sql.Text("connector", connector));
            look.Parameters.Add(new NpgsqlParameter<long>("me", runnerId));
            look.Parameters.Add(new NpgsqlParameter<int>("limit", perMinute));
            look.Parameters.Add(new NpgsqlParameter<TimeSpan>("longest", longest));
            look.Parameters.Add(new NpgsqlParameter<TimeSpan>("window", window));
            long? call;
            TimeSpan? oldestLeaves;
            bool underWay;
            using (var reader = look.ExecuteReader())
            {
                reader.Read();
                call = reader.IsDBNull(0) ? null : reader.GetInt64(0);
                oldestLeaves = reader.IsDBNull(1) ? null : reader.GetFieldValue<TimeSpan>(1);
                underWay = reader.GetBoolean(2);
            }
            transaction.Commit();
            if (call is not null)
            {
                return new SharedTurn(call, TimeSpan.Zero);
            }
            // The oldest ended call leaves the window then; a call under way may end (and so make room) sooner.
            var wait = oldestLeaves is { } leaves ? leaves + TimeSpan.FromMilliseconds(1) : Poll;
            return new SharedTurn(null, underWay && wait > Poll ? Poll : wait);
        });

    public void EndCall(long call, TimeSpan window) =>
        Run(connection =>
        {
            using var end = new NpgsqlCommand("UPDATE calls SET counts_until = now() + @window, ended = true WHERE id = @id", connection);
            end.Parameters.Add(new NpgsqlParameter<long>("id", call));
            end.Parameters.Add(new NpgsqlParameter<TimeSpan>("window", window));
            return end.ExecuteNonQuery();
        });

    public void CallThrottled(long call, string connector, TimeSpan retryAfter) =>
        Run(connection =>
        {
            using var throttled = new NpgsqlCommand("""
                UPDATE calls SET refused = true WHERE id = @id;
                UPDATE pace SET paused_until = greatest(paused_until, now() + @after) WHERE connector = @connector;
                """, connection);
            throttled.Parameters.Add(new NpgsqlParameter<long>("id", call));
            throttled.Parameters.Add(new NpgsqlParameter<TimeSpan>("after", retryAfter));
            throttled.Parameters.Add(Sql.Text("connector", connector));
            return throttled.ExecuteNonQuery();
        });
}
