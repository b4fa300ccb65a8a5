namespace KaizalaBatch.Ledger.Sqlite;

/// <summary>What the ledger keeps for <c>report</c> and <c>remind</c>: each item's responses as last read, and each
/// reminder sent.</summary>
public sealed partial class SqliteLedger
{
    /// <summary>Every item's responses as last read, by (action, key).</summary>
    public IReadOnlyDictionary<(string Action, string Key), CachedResponses> CachedResponses()
    {
        var cached = new Dictionary<(string, string), CachedResponses>();
        lock (_gate)
        {
            if (_connection is null)
            {
                return cached;
            }
            using var command = Connection.CreateCommand();
            command.CommandText = "SELECT action, key, response_count, responses_json, read_at FROM responses";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var entry = new CachedResponses(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));
                cached[(entry.Action, entry.Key)] = entry;
            }
        }
        return cached;
    }

    /// <summary>Keeps an item's responses as just read, with the count the service showed for them.</summary>
    public void RecordResponses(string action, string key, int responseCount, string responsesJson) =>
        Write("""
            INSERT INTO responses (action, key, response_count, responses_json, read_at) VALUES ($action, $key, $count, $json, $now)
            ON CONFLICT (action, key) DO UPDATE SET
                response_count = excluded.response_count, responses_json = excluded.responses_json, read_at = excluded.read_at
            """,
            c =>
            {
                c.Parameters.AddWithValue("$action", action);
                c.Parameters.AddWithValue("$key", key);
                c.Parameters.AddWithValue("$count", responseCount);
                c.Parameters.AddWithValue("$json", responsesJson);
            });

    /// <summary>When each item was last reminded, by (action, key).</summary>
    public IReadOnlyDictionary<(string Action, string Key), DateTimeOffset> LastReminders()
    {
        var last = new Dictionary<(string, string), DateTimeOffset>();
        lock (_gate)
        {
            if (_connection is null)
            {
                return last;
            }
            using var command = Connection.CreateCommand();
            command.CommandText = "SELECT action, key, MAX(sent_at) FROM reminders GROUP BY action, key";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                last[(reader.GetString(0), reader.GetString(1))] = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2));
            }
        }
        return last;
    }

    /// <summary>Records that the service accepted a reminder for the item, now.</summary>
    public void RecordReminder(string action, string key) =>
        Write("INSERT OR IGNORE INTO reminders (action, key, sent_at) VALUES ($action, $key, $now)",
            c =>
            {
                c.Parameters.AddWithValue("$action", action);
                c.Parameters.AddWithValue("$key", key);
            });
}
