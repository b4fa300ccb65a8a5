using Microsoft.Data.Sqlite;

namespace KaizalaBatch.Ledger.Sqlite;

/// <summary>The ledger's schema as an ordered list of migrations; <c>PRAGMA user_version</c> is how many have run.
/// Append new steps, never edit old ones: ledgers written by earlier versions are upgraded in place.</summary>
internal static class LedgerSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: items and uploaded media.
        """
        CREATE TABLE items (
            action             TEXT    NOT NULL,
            key                TEXT    NOT NULL,
            group_id           TEXT    NOT NULL,
            action_type        TEXT    NOT NULL,
            state              TEXT    NOT NULL,
            content_hash       TEXT    NOT NULL,
            request_hash       TEXT,
            reference_id       TEXT,
            action_id          TEXT,
            attempts           INTEGER NOT NULL DEFAULT 0,
            last_error         TEXT,
            first_row          INTEGER,
            attempt_started_at INTEGER,
            in_doubt_since     INTEGER,
            sent_at            INTEGER,
            updated_at         INTEGER NOT NULL,
            PRIMARY KEY (action, key)
        ) WITHOUT ROWID;
        CREATE TABLE media (
            content_hash   TEXT PRIMARY KEY,
            media_resource TEXT    NOT NULL,
            file_name      TEXT    NOT NULL,
            uploaded_at    INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // 2: who holds the run lock (the lock itself is an OS file lock), reconciled flag, reference lookups.
        """
        CREATE TABLE run_lock (
            id         INTEGER PRIMARY KEY CHECK (id = 1),
            pid        INTEGER NOT NULL,
            host       TEXT    NOT NULL,
            started_at INTEGER NOT NULL
        );
        ALTER TABLE items ADD COLUMN reconciled INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX items_reference_id ON items (reference_id) WHERE reference_id IS NOT NULL;
        """,
        // 3: when the ledger was created: templates see it as run.startedAt, so that it renders the same in every run.
        """
        CREATE TABLE ledger_info (
            id         INTEGER PRIMARY KEY CHECK (id = 1),
            created_at INTEGER NOT NULL
        );
        """,
        // 4: what the read-back can match a lost post by (the service lists summaries, not bodies), who settled an
        // in-doubt item by hand, and the phone number each connector's posts show as their sender.
        """
        ALTER TABLE items ADD COLUMN sent_title TEXT;
        ALTER TABLE items ADD COLUMN resolved_by TEXT;
        ALTER TABLE items ADD COLUMN resolved_at INTEGER;
        CREATE TABLE connectors (
            application_id TEXT PRIMARY KEY,
            sender         TEXT    NOT NULL,
            learned_at     INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // 5: the responses report read back (so the next report reads only what changed) and the reminders sent.
        """
        CREATE TABLE responses (
            action         TEXT    NOT NULL,
            key            TEXT    NOT NULL,
            response_count INTEGER NOT NULL,
            responses_json TEXT    NOT NULL,
            read_at        INTEGER NOT NULL,
            PRIMARY KEY (action, key)
        ) WITHOUT ROWID;
        CREATE TABLE reminders (
            action  TEXT    NOT NULL,
            key     TEXT    NOT NULL,
            sent_at INTEGER NOT NULL,
            PRIMARY KEY (action, key, sent_at)
        ) WITHOUT ROWID;
        """,
        // 6: the actionBody each item was last sent with, compressed (SentBodies), so that plan can show what changed;
        // null when the run file says keepPayloads: false, and for every item sent before this version.
        """
        ALTER TABLE items ADD COLUMN sent_body BLOB;
        """,
        // 7: the connector (its name in the run file's pool) each item was last sent through: reconciliation and reports
        // read back through it. Null for items sent before this version (read back through the first connector).
        """
        ALTER TABLE items ADD COLUMN connector TEXT;
        """,
        // 8: the kept bodies in a table of their own, appended in the order they are sent, the item pointing at its body.
        // In the item's row a body made it about 700 bytes, and a run's writes land on random pages of the items table
        // (keys are group ids): its pages split every few inserts and each write rewrote a page of five rows. Appended
        // bodies fill one page after another. Bodies kept before are moved; items.sent_body stays, empty.
        """
        CREATE TABLE sent_bodies (
            id   INTEGER PRIMARY KEY,
            body BLOB NOT NULL
        );
        ALTER TABLE items ADD COLUMN sent_body_id INTEGER;
        CREATE TEMP TABLE kept AS
            SELECT action, key, sent_body, ROW_NUMBER() OVER (ORDER BY action, key) AS id FROM items WHERE sent_body IS NOT NULL;
        INSERT INTO sent_bodies (id, body) SELECT id, sent_body FROM kept;
        UPDATE items SET sent_body_id = kept.id, sent_body = NULL FROM kept WHERE items.action = kept.action AND items.key = kept.key;
        DROP TABLE temp.kept;
        """,
    ];

    public static int CurrentVersion => Migrations.Count;

    public static int ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs the missing migrations in one transaction together with the version, so that a reader (a <c>status</c>
    /// or <c>plan</c> beside the run that creates the ledger) sees the schema before or after, never half-way.</summary>
    public static void Migrate(SqliteConnection connection, int upTo)
    {
        var version = ReadVersion(connection);
        if (version > Migrations.Count)
        {
            throw new LedgerSchemaException(
                $"The ledger has schema version {version}, newer than this version of KaizalaBatch understands ({Migrations.Count}).");
        }
        if (version >= upTo)
        {
            return;
        }
        using var transaction = connection.BeginTransaction();
        for (var next = version; next < upTo; next++)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Migrations[next] + $"\nPRAGMA user_version = {next + 1};";
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }
}
