using KaizalaBatch.Planning;
using Microsoft.Data.Sqlite;

namespace KaizalaBatch.Ledger.Sqlite;

/// <summary>The item's state changes (SPEC section 2), each durable before it returns.</summary>
public sealed partial class SqliteLedger
{
    /// <summary>Records, durably and before the request leaves, that an attempt is starting: the item is in doubt
    /// until <see cref="MarkSent"/> or <see cref="MarkFailed"/>. A crash in between leaves it in-doubt, to be reconciled.</summary>
    /// <param name="requestHash">The canonical hash of the actionBody being sent.</param>
    /// <param name="sentTitle">What the read-back's summary will call it (<see cref="Actions.ReadBackIdentity.TitleOf"/>).</param>
    /// <param name="sentBody">The actionBody being sent (JSON), kept compressed in the same write; null keeps none and
    /// drops one kept by an earlier attempt.</param>
    /// <exception cref="LedgerUnwritableException">This write failed, or an earlier one did: the request must not leave.</exception>
    public void MarkInDoubt(RenderedItem item, string requestHash, string? sentTitle, DateTimeOffset attemptStartedAt, string? sentBody = null,
        string? connector = null) =>
        Enqueue(InDoubtWrite(item, requestHash, sentTitle, attemptStartedAt, sentBody, connector)).GetAwaiter().GetResult();

    /// <summary><see cref="MarkInDoubt"/> that waits for its commit without holding a thread.</summary>
    public ValueTask MarkInDoubtAsync(RenderedItem item, string requestHash, string? sentTitle, DateTimeOffset attemptStartedAt,
        string? sentBody = null, string? connector = null) =>
        new(Enqueue(InDoubtWrite(item, requestHash, sentTitle, attemptStartedAt, sentBody, connector)));

    private PendingWrite InDoubtWrite(RenderedItem item, string requestHash, string? sentTitle, DateTimeOffset attemptStartedAt, string? sentBody,
        string? connector)
    {
        ArgumentNullException.ThrowIfNull(item);
        // Compressed here, not in the bind below, which runs inside the group commit that other senders wait for.
        var body = sentBody is null ? null : SentBodies.Compress(sentBody);
        // One write of three statements, committed together: the body kept by the item's previous attempt goes, this
        // attempt's body is appended (none when keepPayloads is false), and the item points at it.
        return new PendingWrite("""
            DELETE FROM sent_bodies WHERE id = (SELECT sent_body_id FROM items WHERE action = $action AND key = $key);
            INSERT INTO sent_bodies (body) SELECT $body WHERE $body IS NOT NULL;
            INSERT INTO items (action, key, group_id, action_type, state, content_hash, request_hash, sent_title, sent_body_id, connector,
                               attempts, first_row, attempt_started_at, in_doubt_since, updated_at)
            VALUES ($action, $key, $group, $type, 'InDoubt', $content, $request, $title,
                    CASE WHEN $body IS NULL THEN NULL ELSE last_insert_rowid() END, $connector, 1, $row, $started, $started, $now)
            ON CONFLICT (action, key) DO UPDATE SET
                group_id = excluded.group_id, action_type = excluded.action_type, content_hash = excluded.content_hash,
                request_hash = excluded.request_hash, sent_title = excluded.sent_title, sent_body_id = excluded.sent_body_id,
                connector = excluded.connector,
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
                c.Parameters.AddWithValue("$request", requestHash);
                c.Parameters.AddWithValue("$title", (object?)sentTitle ?? DBNull.Value);
                c.Parameters.AddWithValue("$connector", (object?)connector ?? DBNull.Value);
                c.Parameters.AddWithValue("$body", (object?)body ?? DBNull.Value);
                c.Parameters.AddWithValue("$started", attemptStartedAt.ToUnixTimeMilliseconds());
            },
            changed: null, opensDoubt: true);
    }

    /// <summary>The item's identity and what the ledger keeps of it, as every insert of an item binds them.</summary>
    private static void BindItem(SqliteCommand c, RenderedItem item)
    {
        c.Parameters.AddWithValue("$action", item.Action);
        c.Parameters.AddWithValue("$key", item.Key);
        c.Parameters.AddWithValue("$group", item.GroupId);
        c.Parameters.AddWithValue("$type", item.PackageId ?? item.ActionType);
        c.Parameters.AddWithValue("$content", item.ContentHash);
        c.Parameters.AddWithValue("$row", item.Rows.Count > 0 ? item.Rows[0] : DBNull.Value);
    }

    /// <summary>The service accepted the item (or the read-back found it: <paramref name="reconciled"/>).</summary>
    public void MarkSent(string action, string key, string? referenceId, string? actionId, bool reconciled = false) =>
        Enqueue(SentWrite(action, key, referenceId, actionId, reconciled)).GetAwaiter().GetResult();

    /// <summary><see cref="MarkSent"/> that waits for its commit without holding a thread.</summary>
    public ValueTask MarkSentAsync(string action, string key, string? referenceId, string? actionId, bool reconciled = false) =>
        new(Enqueue(SentWrite(action, key, referenceId, actionId, reconciled)));

    private PendingWrite SentWrite(string action, string key, string? referenceId, string? actionId, bool reconciled) =>
        new("""
            UPDATE items SET state = 'Sent', reference_id = $ref, action_id = $id, last_error = NULL, in_doubt_since = NULL,
                             sent_at = $now, reconciled = $reconciled, updated_at = $now
            WHERE action = $action AND key = $key
            """,
            c =>
            {
                c.Parameters.AddWithValue("$action", action);
                c.Parameters.AddWithValue("$key", key);
                c.Parameters.AddWithValue("$ref", (object?)referenceId ?? DBNull.Value);
                c.Parameters.AddWithValue("$id", (object?)actionId ?? DBNull.Value);
                c.Parameters.AddWithValue("$reconciled", reconciled ? 1 : 0);
            }, changed: null, opensDoubt: false);

    /// <summary>A permanent error, or attempts exhausted with the outcome known: the next run sends it again.
    /// <paramref name="error"/> must hold no secret.</summary>
    public void MarkFailed(string action, string key, string error) =>
        SetState(action, key, "Failed", error);

    /// <summary>The item failed before any request left (a media upload was refused, say). Creates the row if needed;
    /// never touches an item already sent or in doubt, whose Action may exist.</summary>
    public void MarkFailedBeforeSending(RenderedItem item, string error)
    {
        ArgumentNullException.ThrowIfNull(item);
        Write("""
            INSERT INTO items (action, key, group_id, action_type, state, content_hash, attempts, last_error, first_row, updated_at)
            VALUES ($action, $key, $group, $type, 'Failed', $content, 0, $error, $row, $now)
            ON CONFLICT (action, key) DO UPDATE SET state = 'Failed', content_hash = excluded.content_hash,
                last_error = excluded.last_error, updated_at = excluded.updated_at
            WHERE items.state NOT IN ('Sent', 'InDoubt')
            """,
            c =>
            {
                BindItem(c, item);
                c.Parameters.AddWithValue("$error", error);
            });
    }

    /// <summary>Keeps the item in-doubt (the last attempt's outcome is unknown) and records why.</summary>
    public void MarkStillInDoubt(string action, string key, string error) =>
        SetState(action, key, "InDoubt", error);

    private void SetState(string action, string key, string state, string error) =>
        Write("""
            UPDATE items SET state = $state, last_error = $error,
                             in_doubt_since = CASE WHEN $state = 'InDoubt' THEN in_doubt_since ELSE NULL END,
                             updated_at = $now
            WHERE action = $action AND key = $key
            """,
            c =>
            {
                c.Parameters.AddWithValue("$action", action);
                c.Parameters.AddWithValue("$key", key);
                c.Parameters.AddWithValue("$state", state);
                c.Parameters.AddWithValue("$error", error);
            });

    /// <summary>The item failed validation and was never sent. Creates the row if needed; never touches a sent item.</summary>
    public void MarkInvalid(RenderedItem item, string error)
    {
        ArgumentNullException.ThrowIfNull(item);
        Write("""
            INSERT INTO items (action, key, group_id, action_type, state, content_hash, attempts, last_error, first_row, updated_at)
            VALUES ($action, $key, $group, $type, 'Invalid', $content, 0, $error, $row, $now)
            ON CONFLICT (action, key) DO UPDATE SET state = 'Invalid', content_hash = excluded.content_hash,
                last_error = excluded.last_error, updated_at = excluded.updated_at
            WHERE items.state IN ('New', 'Invalid', 'Failed')
            """,
            c =>
            {
                BindItem(c, item);
                c.Parameters.AddWithValue("$error", error);
            });
    }


    public void RecordMedia(string contentHash, string mediaResource, string fileName) =>
        Write("""
            INSERT INTO media (content_hash, media_resource, file_name, uploaded_at) VALUES ($hash, $resource, $name, $now)
            ON CONFLICT (content_hash) DO NOTHING
            """,
            c =>
            {
                c.Parameters.AddWithValue("$hash", contentHash);
                c.Parameters.AddWithValue("$resource", mediaResource);
                c.Parameters.AddWithValue("$name", fileName);
            });
}
