using KaizalaBatch.Planning;
using Npgsql;

namespace KaizalaBatch.Ledger.Postgres;

/// <summary>The ledger's reads: one item, a media file, the counts, the export, the runners.</summary>
public sealed partial class PostgresLedger
{
    public LedgerEntry? Find(string action, string key) => FindRecord(action, key)?.ToEntry();

    internal const string RecordColumns =
        "action, key, group_id, action_type, state, content_hash, request_hash, reference_id, action_id, attempts, " +
        "last_error, first_row, attempt_started_at, in_doubt_since, sent_at, reconciled, updated_at, sent_title, resolved_by, resolved_at, connector";

    /// <summary>Everything the ledger keeps about one item, or null (a prepared statement, once it has been used twice).</summary>
    public LedgerRecord? FindRecord(string action, string key) =>
        Query<LedgerRecord?>(null, command =>
        {
            command.CommandText = $"SELECT {RecordColumns} FROM items WHERE action = @action AND key = @key";
            BindKey(command, action, key);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadRecord(reader) : null;
        });

    internal static LedgerRecord ReadRecord(NpgsqlDataReader r) => new(
        Action: r.GetString(0),
        Key: r.GetString(1),
        GroupId: r.GetString(2),
        ActionType: r.GetString(3),
        State: Enum.Parse<ItemState>(r.GetString(4)),
        ContentHash: r.GetString(5),
        RequestHash: Sql.Text(r, 6),
        ReferenceId: Sql.Text(r, 7),
        ActionId: Sql.Text(r, 8),
        Attempts: r.GetInt32(9),
        LastError: Sql.Text(r, 10),
        FirstRow: r.IsDBNull(11) ? null : r.GetInt64(11),
        AttemptStartedAt: Sql.Time(r, 12),
        InDoubtSince: Sql.Time(r, 13),
        SentAt: Sql.Time(r, 14),
        Reconciled: r.GetBoolean(15),
        UpdatedAt: r.GetFieldValue<DateTimeOffset>(16),
        SentTitle: Sql.Text(r, 17),
        ResolvedBy: Sql.Text(r, 18),
        ResolvedAt: Sql.Time(r, 19),
        Connector: Sql.Text(r, 20));

    public string? FindSentBody(string action, string key) =>
        Query<string?>(null, command =>
        {
            command.CommandText = "SELECT sent_body FROM items WHERE action = @action AND key = @key";
            command.Parameters.Add(Sql.Text("action", action));
            command.Parameters.Add(Sql.Text("key", key));
            return command.ExecuteScalar() is byte[] kept ? SentBodies.Decompress(kept) : null;
        });

    public bool IsReferenceKnown(string referenceId) =>
        Query(false, command =>
        {
            command.CommandText = "SELECT 1 FROM items WHERE reference_id = @ref LIMIT 1";
            command.Parameters.Add(Sql.Text("ref", referenceId));
            return command.ExecuteScalar() is not null;
        });

    /// <summary>The mediaResource of a file already uploaded (by any runner), by the file's content hash.</summary>
    public MediaRecord? FindMedia(string contentHash) =>
        Query<MediaRecord?>(null, command =>
        {
            command.CommandText = "SELECT content_hash, media_resource, file_name, uploaded_at FROM media WHERE content_hash = @hash";
            command.Parameters.Add(Sql.Text("hash", contentHash));
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new MediaRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3))
                : null;
        });

    public IReadOnlyList<StateCount> CountByState() =>
        Query<IReadOnlyList<StateCount>>([], command =>
        {
            var counts = new List<StateCount>();
            command.CommandText = "SELECT action, state, count(*)::integer FROM items GROUP BY action, state ORDER BY action, state";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                counts.Add(new StateCount(reader.GetString(0), Enum.Parse<ItemState>(reader.GetString(1)), reader.GetInt32(2)));
            }
            return counts;
        });

    /// <summary>Every item, ordered by action and key, streamed from a connection of its own (rows arrive as they are read,
    /// so a long export neither loads the table into memory nor holds up the senders).</summary>
    public IEnumerable<LedgerRecord> Export()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_exists)
        {
            yield break;
        }
        using var connection = _data.OpenConnection();
        using var command = new NpgsqlCommand($"SELECT {RecordColumns} FROM items ORDER BY action, key", connection);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return ReadRecord(reader);
        }
    }

    /// <summary>Every runner recorded (live ones and those that stopped without leaving), with the items each holds under a
    /// lease that has not lapsed, oldest first.</summary>
    public IReadOnlyList<RunnerInfo> Runners() =>
        Query<IReadOnlyList<RunnerInfo>>([], command =>
        {
            command.CommandText = """
                SELECT r.id, r.host, r.pid, r.started_at, r.heartbeat_at,
                       (SELECT count(*)::integer FROM claims c WHERE c.runner_id = r.id AND c.lease_until > now()), r.shared
                FROM runners r ORDER BY r.started_at, r.id
                """;
            var runners = new List<RunnerInfo>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                runners.Add(new RunnerInfo(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt32(5), reader.GetBoolean(6)));
            }
            return runners;
        });
}
