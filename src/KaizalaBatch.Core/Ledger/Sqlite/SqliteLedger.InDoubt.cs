using KaizalaBatch.Planning;
using Microsoft.Data.Sqlite;

namespace KaizalaBatch.Ledger.Sqlite;

/// <summary>What the ledger keeps for settling in-doubt items: the connectors' sender numbers (learned from the read-back),
/// a sent item to learn one from, and the user's own decisions.</summary>
public sealed partial class SqliteLedger
{
    /// <summary>The phone number the service shows as the sender of this connector's posts, once learned; else null.</summary>
    public string? FindSender(string applicationId) =>
        Query<string?>(null, command =>
        {
            command.CommandText = "SELECT sender FROM connectors WHERE application_id = $app";
            command.Parameters.AddWithValue("$app", applicationId);
            return command.ExecuteScalar() as string;
        });

    /// <summary>Remembers the sender number of a connector (the read-back listed one of its own posts under it).</summary>
    public void RecordSender(string applicationId, string sender) =>
        Write("""
            INSERT INTO connectors (application_id, sender, learned_at) VALUES ($app, $sender, $now)
            ON CONFLICT (application_id) DO UPDATE SET sender = excluded.sender, learned_at = excluded.learned_at
            """,
            c =>
            {
                c.Parameters.AddWithValue("$app", applicationId);
                c.Parameters.AddWithValue("$sender", sender);
            });

    /// <summary>The most recently sent item of one of <paramref name="types"/> with a referenceId: reading its group back shows
    /// which sender the service gives this connector's posts.</summary>
    public LedgerRecord? FindSentSample(IReadOnlyCollection<string> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return types.Count == 0 ? null : Query<LedgerRecord?>(null, command =>
        {
            var names = types.Select((t, i) => "$t" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            command.CommandText = $"""
                SELECT {RecordColumns} FROM items
                WHERE state = 'Sent' AND reference_id IS NOT NULL AND sent_at IS NOT NULL AND action_type IN ({string.Join(", ", names)})
                ORDER BY sent_at DESC LIMIT 1
                """;
            foreach (var (name, type) in names.Zip(types))
            {
                command.Parameters.AddWithValue(name, type);
            }
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadRecord(reader) : null;
        });
    }

    /// <summary>The in-doubt items, all or those of one action and/or one key, ordered by action and key.</summary>
    public IReadOnlyList<LedgerRecord> InDoubtItems(string? action = null, string? key = null) =>
        Query<IReadOnlyList<LedgerRecord>>([], command =>
        {
            command.CommandText = $"""
                SELECT {RecordColumns} FROM items
                WHERE state = 'InDoubt' AND ($action IS NULL OR action = $action) AND ($key IS NULL OR key = $key)
                ORDER BY action, key
                """;
            command.Parameters.AddWithValue("$action", (object?)action ?? DBNull.Value);
            command.Parameters.AddWithValue("$key", (object?)key ?? DBNull.Value);
            var records = new List<LedgerRecord>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                records.Add(ReadRecord(reader));
            }
            return records;
        });

    /// <summary>Settles in-doubt items by the user's decision, recording who decided and when; returns how many it settled.
    /// Items in any other state are left alone.</summary>
    public int Resolve(string? action, string? key, Resolution resolution, string decidedBy)
    {
        ArgumentNullException.ThrowIfNull(decidedBy);
        var settled = 0;
        Write("""
            UPDATE items SET
                state = CASE WHEN $sent = 1 THEN 'Sent' ELSE 'Failed' END,
                last_error = CASE WHEN $sent = 1 THEN NULL ELSE 'resolved as not sent by ' || $by END,
                sent_at = CASE WHEN $sent = 1 THEN $now ELSE sent_at END,
                in_doubt_since = NULL, resolved_by = $by, resolved_at = $now, updated_at = $now
            WHERE state = 'InDoubt' AND ($action IS NULL OR action = $action) AND ($key IS NULL OR key = $key)
            """,
            c =>
            {
                c.Parameters.AddWithValue("$action", (object?)action ?? DBNull.Value);
                c.Parameters.AddWithValue("$key", (object?)key ?? DBNull.Value);
                c.Parameters.AddWithValue("$sent", resolution == Resolution.Sent ? 1 : 0);
                c.Parameters.AddWithValue("$by", decidedBy);
            },
            changed => settled = changed);
        return settled;
    }
}
