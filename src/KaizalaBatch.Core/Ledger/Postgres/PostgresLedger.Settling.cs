namespace KaizalaBatch.Ledger.Postgres;

/// <summary>What the ledger keeps for settling in-doubt items (the connectors' sender numbers, a sent item to learn one
/// from, the user's own decisions) and for <c>report</c> and <c>remind</c> (responses as last read, reminders sent).</summary>
public sealed partial class PostgresLedger
{
    public string? FindSender(string applicationId) =>
        Query<string?>(null, command =>
        {
            command.CommandText = "SELECT sender FROM connectors WHERE application_id = @app";
            command.Parameters.Add(Sql.Text("app", applicationId));
            return command.ExecuteScalar() as string;
        });

    public void RecordSender(string applicationId, string sender) =>
        Write("""
            INSERT INTO connectors (application_id, sender, learned_at) VALUES (@app, @sender, @now)
            ON CONFLICT (application_id) DO UPDATE SET sender = excluded.sender, learned_at = excluded.learned_at
            """,
            c =>
            {
                c.Parameters.Add(Sql.Text("app", applicationId));
                c.Parameters.Add(Sql.Text("sender", sender));
            });

    public LedgerRecord? FindSentSample(IReadOnlyCollection<string> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return types.Count == 0 ? null : Query<LedgerRecord?>(null, command =>
        {
            command.CommandText = $"""
                SELECT {RecordColumns} FROM items
                WHERE state = 'Sent' AND reference_id IS NOT NULL AND sent_at IS NOT NULL AND action_type = ANY(@types)
                ORDER BY sent_at DESC LIMIT 1
                """;
            command.Parameters.Add(new Npgsql.NpgsqlParameter<string[]>("types", types.ToArray()));
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadRecord(reader) : null;
        });
    }

    public IReadOnlyList<LedgerRecord> InDoubtItems(string? action = null, string? key = null) =>
        Query<IReadOnlyList<LedgerRecord>>([], command =>
        {
            command.CommandText = $"""
                SELECT {RecordColumns} FROM items
                WHERE state = 'InDoubt' AND (@action IS NULL OR action = @action) AND (@key IS NULL OR key = @key)
                ORDER BY action, key
                """;
            command.Parameters.Add(Sql.Text("action", action));
            command.Parameters.Add(Sql.Text("key", key));
            var records = new List<LedgerRecord>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                records.Add(ReadRecord(reader));
            }
            return records;
        });

    /// <summary>Settles in-doubt items by the user's decision, recording who decided and when; returns how many it settled.</summary>
    public int Resolve(string? action, string? key, Resolution resolution, string decidedBy)
    {
        ArgumentNullException.ThrowIfNull(decidedBy);
        var settled = 0;
        Write("""
            UPDATE items SET
                state = CASE WHEN @sent THEN 'Sent' ELSE 'Failed' END,
                last_error = CASE WHEN @sent THEN NULL ELSE 'resolved as not sent by ' || @by END,
                sent_at = CASE WHEN @sent THEN @now ELSE sent_at END,
                in_doubt_since = NULL, resolved_by = @by, resolved_at = @now, updated_at = @now
            WHERE state = 'InDoubt' AND (@action IS NULL OR action = @action) AND (@key IS NULL OR key = @key)
            """,
            c =>
            {
                c.Parameters.Add(Sql.Text("action", action));
                c.Parameters.Add(Sql.Text("key", key));
                c.Parameters.Add(Sql.Flag("sent", resolution == Resolution.Sent));
                c.Parameters.Add(Sql.Text("by", decidedBy));
            },
            changed => settled = changed);
        return settled;
    }

    public IReadOnlyDictionary<(string Action, string Key), CachedResponses> CachedResponses() =>
        Query<IReadOnlyDictionary<(string Action, string Key), CachedResponses>>(new Dictionary<(string, string), CachedResponses>(), command =>
        {
            var cached = new Dictionary<(string, string), CachedResponses>();
            command.CommandText = "SELECT action, key, response_count, responses_json, read_at FROM responses";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var entry = new CachedResponses(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4));
                cached[(entry.Action, entry.Key)] = entry;
            }
            return cached;
        });

    public void RecordResponses(string action, string key, int responseCount, string responsesJson) =>
        Write("""
            INSERT INTO responses (action, key, response_count, responses_json, read_at) VALUES (@action, @key, @count, @json, @now)
            ON CONFLICT (action, key) DO UPDATE SET
                response_count = excluded.response_count, responses_json = excluded.responses_json, read_at = excluded.read_at
            """,
            c =>
            {
                BindKey(c, action, key);
                c.Parameters.Add(new Npgsql.NpgsqlParameter<int>("count", responseCount));
                c.Parameters.Add(Sql.Text("json", responsesJson));
            });

    public IReadOnlyDictionary<(string Action, string Key), DateTimeOffset> LastReminders() =>
        Query<IReadOnlyDictionary<(string Action, string Key), DateTimeOffset>>(new Dictionary<(string, string), DateTimeOffset>(), command =>
        {
            var last = new Dictionary<(string, string), DateTimeOffset>();
            command.CommandText = "SELECT action, key, max(sent_at) FROM reminders GROUP BY action, key";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                last[(reader.GetString(0), reader.GetString(1))] = reader.GetFieldValue<DateTimeOffset>(2);
            }
            return last;
        });

    public void RecordReminder(string action, string key) =>
        Write("INSERT INTO reminders (action, key, sent_at) VALUES (@action, @key, @now) ON CONFLICT DO NOTHING",
            c => BindKey(c, action, key));
}
