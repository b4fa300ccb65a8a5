using Npgsql;

namespace KaizalaBatch.Ledger.Postgres;

/// <summary>The database ledger's schema as an ordered list of migrations; <c>schema_version</c> holds how many have run.
/// Append new steps, never edit old ones: databases written by earlier versions are upgraded in place. Keys and the texts
/// the ledger orders by are <c>COLLATE "C"</c>, so that they sort byte by byte as in the SQLite ledger, whatever the
/// database's locale.</summary>
internal static class PostgresSchema
{
    /// <summary>Serialises the migrations of runners that start together (a transaction-level advisory lock).</summary>
    private const long MigrationLock = 0x4B42_4D49_4752; // "KBMIGR"

    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: what the SQLite ledger holds at its version 5: items, media, when the ledger was created, the connectors'
        // sender numbers, the responses read back and the reminders sent.
        """
        CREATE TABLE items (
            action             text COLLATE "C" NOT NULL,
            key                text COLLATE "C" NOT NULL,
            group_id           text        NOT NULL,
            action_type        text        NOT NULL,
            state              text COLLATE "C" NOT NULL,
            content_hash       text        NOT NULL,
            request_hash       text,
            reference_id       text,
            action_id          text,
            attempts           integer     NOT NULL DEFAULT 0,
            last_error         text,
            first_row          bigint,
            attempt_started_at timestamptz,
            in_doubt_since     timestamptz,
            sent_at            timestamptz,
            reconciled         boolean     NOT NULL DEFAULT false,
            updated_at         timestamptz NOT NULL,
            sent_title         text,
            resolved_by        text,
            resolved_at        timestamptz,
            PRIMARY KEY (action, key)
        );
        CREATE INDEX items_reference_id ON items (reference_id) WHERE reference_id IS NOT NULL;
        CREATE INDEX items_in_doubt ON items (action, key) WHERE state = 'InDoubt';
        CREATE TABLE media (
            content_hash   text PRIMARY KEY,
            media_resource text        NOT NULL,
            file_name      text        NOT NULL,
            uploaded_at    timestamptz NOT NULL
        );
        CREATE TABLE ledger_info (
            id         integer PRIMARY KEY CHECK (id = 1),
            created_at timestamptz NOT NULL
        );
        CREATE TABLE connectors (
            application_id text PRIMARY KEY,
            sender         text        NOT NULL,
            learned_at     timestamptz NOT NULL
        );
        CREATE TABLE responses (
            action         text COLLATE "C" NOT NULL,
            key            text COLLATE "C" NOT NULL,
            response_count integer     NOT NULL,
            responses_json text        NOT NULL,
            read_at        timestamptz NOT NULL,
            PRIMARY KEY (action, key)
        );
        CREATE TABLE reminders (
            action  text COLLATE "C" NOT NULL,
            key     text COLLATE "C" NOT NULL,
            sent_at timestamptz NOT NULL,
            PRIMARY KEY (action, key, sent_at)
        );
        """,
        // 2: several runners on one run: who writes (host, process, heartbeat) and which items each holds under a lease.
        // Leases and heartbeats are the database's clock (now()), so that the runners' clocks need not agree.
        """
        CREATE TABLE runners (
            id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            host         text        NOT NULL,
            pid          integer     NOT NULL,
            shared       boolean     NOT NULL,
            started_at   timestamptz NOT NULL,
            heartbeat_at timestamptz NOT NULL
        );
        CREATE TABLE claims (
            action      text COLLATE "C" NOT NULL,
            key         text COLLATE "C" NOT NULL,
            runner_id   bigint      NOT NULL,
            lease_until timestamptz NOT NULL,
            PRIMARY KEY (action, key)
        );
        CREATE INDEX claims_runner ON claims (runner_id);
        """,
        // 3: the pace the runners keep together: every call to the service (per connector) while it counts in the window,
        // and the pause a 429 imposes on all of them.
        """
        CREATE TABLE calls (
            id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            connector    text        NOT NULL,
            runner_id    bigint      NOT NULL,
            started_at   timestamptz NOT NULL,
            counts_until timestamptz NOT NULL,
            ended        boolean     NOT NULL DEFAULT false,
            refused      boolean     NOT NULL DEFAULT false
        );
        CREATE INDEX calls_window ON calls (connector, counts_until);
        CREATE TABLE pace (
            connector    text PRIMARY KEY,
            paused_until timestamptz NOT NULL DEFAULT 'epoch'
        );
        """,
        // 3: the actionBody each item was last sent with (SentBodies: compact JSON, Brotli), kept with its in-doubt mark
        // unless the run file says keepPayloads: false; as the SQLite ledger's migration 6.
        """
        ALTER TABLE items ADD COLUMN sent_body bytea;
        """,
        // 4: the connector each item was last sent through, as the SQLite ledger's migration 7.
        """
        ALTER TABLE items ADD COLUMN connector text;
        """,
    ];

    public static int CurrentVersion => Migrations.Count;

    /// <summary>The version of the database's ledger schema; 0 when it has none (a fresh database).</summary>
    public static int ReadVersion(NpgsqlConnection connection)
    {
        using var exists = new NpgsqlCommand("SELECT to_regclass('schema_version') IS NOT NULL", connection);
        if (exists.ExecuteScalar() is not true)
        {
            return 0;
        }
        using var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version", connection);
        try
        {
            return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0; // dropped between the check and the read
        }
    }

    /// <summary>Runs the missing migrations up to <paramref name="upTo"/> in one transaction together with the version, so
    /// that another runner reading the version sees the schema before or after, never one half-way (a runner's check pass
    /// that read version 3 of 5 while another runner was migrating a fresh database stopped with "a run upgrades it").
    /// Runners that start together take turns (the first migrates, the others find it done).</summary>
    public static void Migrate(NpgsqlConnection connection, int upTo)
    {
        using (var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)", connection))
        {
            using var transaction = connection.BeginTransaction();
            create.Transaction = transaction;
            Lock(connection, transaction);
            create.ExecuteNonQuery();
            transaction.Commit();
        }
        using (var transaction = connection.BeginTransaction())
        {
            Lock(connection, transaction);
            var version = ReadVersion(connection);
            if (version > Migrations.Count)
            {
                throw new LedgerSchemaException(
                    $"The ledger has schema version {version}, newer than this version of KaizalaBatch understands ({Migrations.Count}).");
            }
            for (; version < upTo; version++)
            {
                using var step = new NpgsqlCommand(
                    Migrations[version] + $"\nDELETE FROM schema_version; INSERT INTO schema_version (version) VALUES ({version + 1});",
                    connection, transaction);
                step.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    private static void Lock(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({MigrationLock})", connection, transaction);
        command.ExecuteNonQuery();
    }
}
