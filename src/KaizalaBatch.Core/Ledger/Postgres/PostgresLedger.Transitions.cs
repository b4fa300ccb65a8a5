using KaizalaBatch.Planning;
using Npgsql;

namespace KaizalaBatch.Ledger.Postgres;

/// <summary>The item's state changes (SPEC section 2), each committed before it returns; the same statements as the
/// SQLite ledger's, in PostgreSQL's dialect.</summary>
public sealed partial class PostgresLedger
{
    /// <summary>Records, committed before the request leaves, that an attempt is starting: the item is in doubt until
    /// <see cref="MarkSent"/> or <see cref="MarkFailed"/>. In a shared run, only while this runner's claim on the item holds
    /// (renewed by the same transaction).</summary>
    /// <exception cref="LedgerUnwritableException">This write failed, or an earlier one did: the request must not leave.</exception>
    /// <exception cref="ClaimLostException">Another runner took the item over: the request must not leave.</exception>
    public void MarkInDoubt(RenderedItem item, string requestHash, string? sentTitle, DateTimeOffset attemptStartedAt, string? sentBody = null,
        string? connector = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        Write("""
            INSERT INTO items (action, key, group_id, action_type, state, content_hash, request_hash, sent_title, sent_body, connector, attempts,
                               first_row, attempt_started_at, in_doubt_since, updated_at)
            VALUES (@action, @key, @group, @type, 'InDoubt', @content, @request, @title, @body, @connector, 1, @row, @started, @started, @now)
            ON CONFLICT (action, key) DO UPDATE SET
                group_id = excluded.group_id, action_type = excluded.action_type, content_hash = excluded.content_hash,
                request_hash = excluded.request_hash, sent_title = excluded.sent_title, sent_body = excluded.sent_body, connector = excluded.connector,
                attempts = items.attempts + 1,
                first_row = excluded.first_row,
                attempt_started_at = excluded.attempt_started_at,
                in_doubt_since = CASE WHEN items.state = 'InDoubt' AND items.in_doubt_since IS NOT NULL
                                      THEN items.in_doubt_since ELSE excluded.in_doubt_since END,
                state = 'InDoubt', updated_at = excluded.updated_at
            """,
            c =>
            {
                BindItem(c, item);
                c.Parameters.Add(Sql.Text("request", requestHash));
                c.Parameters.Add(Sql.Text("title", sentTitle));
                c.Parameters.Add(Sql.Text("connector", connector));
                c.Parameters.Add(new NpgsqlParameter("body", NpgsqlTypes.NpgsqlDbType.Bytea)
                {
                    Value = sentBody is null ? DBNull.Value : SentBodies.Compress(sentBody),
                });
                c.Parameters.Add(Sql.Time("started", attemptStartedAt));
            },
            opensDoubt: true,
            fence: _shared is null ? null : (item.Action, item.Key));
    }

    /// <summary>The item's identity and what the ledger keeps of it, as every insert of an item binds them.</summary>
    private static void BindItem(NpgsqlCommand c, RenderedItem item)
    {
        c.Parameters.Add(Sql.Text("action", item.Action));
        c.Parameters.Add(Sql.Text("key", item.Key));
        c.Parameters.Add(Sql.Text("group", item.GroupId));
        c.Parameters.Add(Sql.Text("type", item.PackageId ?? item.ActionType));
        c.Parameters.Add(Sql.Text("content", item.ContentHash));
        c.Parameters.Add(Sql.Integer("row", item.Rows.Count > 0 ? item.Rows[0] : null));
    }

    private static void BindKey(NpgsqlCommand c, string action, string key)
    {
        c.Parameters.Add(Sql.Text("action", action));
        c.Parameters.Add(Sql.Text("key", key));
    }

    /// <summary>The service accepted the item (or the read-back found it: <paramref name="reconciled"/>).</summary>
    public void MarkSent(string action, string key, string? referenceId, string? actionId, bool reconciled = false) =>
        Write("""
            UPDATE items SET state = 'Sent', reference_id = @ref, action_id = @id, last_error = NULL, in_doubt_since = NULL,
                             sent_at = @now, reconciled = @reconciled, updated_at = @now
            WHERE action = @action AND key = @key
            """,
            c =>
            {
                BindKey(c, action, key);
                c.Parameters.Add(Sql.Text("ref", referenceId));
                c.Parameters.Add(Sql.Text("id", actionId));
                c.Parameters.Add(Sql.Flag("reconciled", reconciled));
            });

    /// <summary>A permanent error, or attempts exhausted with the outcome known: the next run sends it again.</summary>
    public void MarkFailed(string action, string key, string error) => SetState(action, key, "Failed", error);

    /// <summary>Failed before any request left; never touches an item already sent or in doubt, whose Action may exist.</summary>
    public void MarkFailedBeforeSending(RenderedItem item, string error)
    {
        ArgumentNullException.ThrowIfNull(item);
        Write("""
            INSERT INTO items (action, key, group_id, action_type, state, content_hash, attempts, last_error, first_row, updated_at)
            VALUES (@action, @key, @group, @type, 'Failed', @content, 0, @error, @row, @now)
            ON CONFLICT (action, key) DO UPDATE SET state = 'Failed', content_hash = excluded.content_hash,
                last_error = excluded.last_error, updated_at = excluded.updated_at
            WHERE items.state NOT IN ('Sent', 'InDoubt')
            """,
            c =>
            {
                BindItem(c, item);
                c.Parameters.Add(Sql.Text("error", error));
            });
    }

    /// <summary>Keeps the item in doubt (the last attempt's outcome is unknown) and records why.</summary>
    public void MarkStillInDoubt(string action, string key, string error) => SetState(action, key, "InDoubt", error);

    private void SetState(string action, string key, string state, string error) =>
        Write("""
            UPDATE items SET state = @state, last_error = @error,
                             in_doubt_since = CASE WHEN @state = 'InDoubt' THEN in_doubt_since ELSE NULL END,
                             updated_at = @now
            WHERE action = @action AND key = @key
            """,
            c =>
            {
                BindKey(c, action, key);
                c.Parameters.Add(Sql.Text("state", state));
                c.Parameters.Add(Sql.Text("error", error));
            });

    /// <summary>The item failed validation and was never sent; never touches a sent item.</summary>
    public void MarkInvalid(RenderedItem item, string error)
    {
        ArgumentNullException.ThrowIfNull(item);
        Write("""
            INSERT INTO items (action, key, group_id, action_type, state, content_hash, attempts, last_error, first_row, updated_at)
            VALUES (@action, @key, @group, @type, 'Invalid', @content, 0, @error, @row, @now)
            ON CONFLICT (action, key) DO UPDATE SET state = 'Invalid', content_hash = excluded.content_hash,
                last_error = excluded.last_error, updated_at = excluded.updated_at
            WHERE items.state IN ('New', 'Invalid', 'Failed')
            """,
            c =>
            {
                BindItem(c, item);
                c.Parameters.Add(Sql.Text("error", error));
            });
    }

    /// <summary>Remembers, committed, an uploaded file's mediaResource by its content hash, so it is never uploaded again
    /// (by any runner).</summary>
    public void RecordMedia(string contentHash, string mediaResource, string fileName) =>
        Write("""
            INSERT INTO media (content_hash, media_resource, file_name, uploaded_at) VALUES (@hash, @resource, @name, @now)
            ON CONFLICT (content_hash) DO NOTHING
            """,
            c =>
            {
                c.Parameters.Add(Sql.Text("hash", contentHash));
                c.Parameters.Add(Sql.Text("resource", mediaResource));
                c.Parameters.Add(Sql.Text("name", fileName));
            });
}
