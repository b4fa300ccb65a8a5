using KaizalaBatch.Planning;
using Microsoft.Data.Sqlite;

namespace KaizalaBatch.Ledger.Sqlite;

/// <summary>The ledger's reads: one item, a media file, the counts, the export.</summary>
public sealed partial class SqliteLedger
{
    public LedgerEntry? Find(string action, string key) => FindRecord(action, key)?.ToEntry();

    private const string RecordColumns =
        "action, key, group_id, action_type, state, content_hash, request_hash, reference_id, action_id, attempts, " +
        "last_error, first_row, attempt_started_at, in_doubt_since, sent_at, reconciled, updated_at, sent_title, resolved_by, resolved_at, connector";

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
        ResolvedAt: Time(r, 19),
        Connector: r.IsDBNull(20) ? null : r.GetString(20));

    private static DateTimeOffset? Time(SqliteDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(ordinal));


    /// <summary>The actionBody the item was last sent with, as <see cref="MarkInDoubt"/> kept it; null when none was kept.</summary>
    public string? FindSentBody(string action, string key) =>
        Query<string?>(null, command =>
        {
            command.CommandText = """
                SELECT coalesce(b.body, i.sent_body) FROM items i LEFT JOIN sent_bodies b ON b.id = i.sent_body_id
                WHERE i.action = $action AND i.key = $key
                """;
            command.Parameters.AddWithValue("$action", action);
            command.Parameters.AddWithValue("$key", key);
            return command.ExecuteScalar() is byte[] kept ? SentBodies.Decompress(kept) : null;
        });

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
}
