using KaizalaBatch.Ledger.Postgres;
using KaizalaBatch.Planning;
using KaizalaBatch.Tests.Postgres;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace KaizalaBatch.Ledger.Tests;

/// <summary>The PostgreSQL ledger's own ways of keeping the contract (LedgerContractTests holds the contract itself):
/// versioned migrations, synchronous commits whatever the server's default, a URL's password never shown, and no request
/// after a write the server refused. Each test has a fresh database of the test server.</summary>
public sealed class PostgresLedgerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void An_older_ledger_is_migrated_in_place_keeping_its_rows()
    {
        using var database = TestPostgres.CreateDatabase();
        using (var raw = new NpgsqlConnection(TestPostgres.ConnectionString(database.Url)))
        {
            raw.Open();
            PostgresSchema.Migrate(raw, upTo: 1);
            using var insert = new NpgsqlCommand(
                "INSERT INTO items (action, key, group_id, action_type, state, content_hash, attempts, updated_at) VALUES ('a', 'k', 'g', 'Job', 'Sent', 'h', 1, now())",
                raw);
            insert.ExecuteNonQuery();
            Assert.Equal(1, PostgresSchema.ReadVersion(raw));
        }
        Assert.Throws<LedgerSchemaException>(() => PostgresLedger.Open(database.Url, LedgerMode.ReadOnly));
        using var ledger = PostgresLedger.Open(database.Url, LedgerMode.ReadWrite, _time);
        Assert.Equal(PostgresSchema.CurrentVersion, ledger.SchemaVersion);
        Assert.Equal(ItemState.Sent, ledger.Find("a", "k")?.State);
        Assert.False(ledger.FindRecord("a", "k")?.Reconciled);
    }

    [Fact]
    public async Task A_reader_sees_the_schema_before_or_after_a_migration_never_half_way()
    {
        // Three runners started together on a fresh database: one migrated while another's check pass read the version in
        // between (3 of 5) and stopped with "a run upgrades it". Here the migration is held at its first change to the items
        // table (ALTER TABLE waits for a reader's lock on it) after the steps that do not touch it.
        using var database = TestPostgres.CreateDatabase();
        var connectionString = TestPostgres.ConnectionString(database.Url);
        using (var raw = new NpgsqlConnection(connectionString))
        {
            raw.Open();
            PostgresSchema.Migrate(raw, upTo: 1);
        }
        using var blocker = new NpgsqlConnection(connectionString);
        blocker.Open();
        using var holding = blocker.BeginTransaction();
        using (var read = new NpgsqlCommand("SELECT count(*) FROM items", blocker, holding))
        {
            read.ExecuteScalar();
        }
        var migrating = Task.Run(() =>
        {
            using var writer = new NpgsqlConnection(connectionString);
            writer.Open();
            PostgresSchema.Migrate(writer, PostgresSchema.CurrentVersion);
        }, TestContext.Current.CancellationToken);

        using var reader = new NpgsqlConnection(connectionString);
        reader.Open();
        using var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", reader);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Convert.ToInt64(waiting.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the migration never waited for the items table");
            Assert.False(migrating.IsCompleted, "the migration finished without waiting for the items table");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        Assert.Equal(1, PostgresSchema.ReadVersion(reader));

        holding.Rollback();
        await migrating.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(PostgresSchema.CurrentVersion, PostgresSchema.ReadVersion(reader));
    }

    [Fact]
    public void A_ledger_from_a_newer_version_is_refused()
    {
        using var database = TestPostgres.CreateDatabase();
        database.Scalar("CREATE TABLE schema_version (version integer NOT NULL); INSERT INTO schema_version VALUES (99)");
        Assert.Throws<LedgerSchemaException>(() => PostgresLedger.Open(database.Url, LedgerMode.ReadWrite));
        Assert.Throws<LedgerSchemaException>(() => PostgresLedger.Open(database.Url, LedgerMode.ReadOnly));
    }

    [Fact]
    public void Commits_are_synchronous_whatever_the_servers_default()
    {
        using var database = TestPostgres.CreateDatabase();
        database.Scalar($"ALTER DATABASE {database.Name} SET synchronous_commit = off");
        Assert.Equal("off", database.Scalar("SHOW synchronous_commit"));
        using var ledger = PostgresLedger.Open(database.Url, LedgerMode.ReadWrite, _time);
        Assert.Contains("synchronous_commit=on", ledger.Durability, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_in_the_url_is_never_shown()
    {
        using var database = TestPostgres.CreateDatabase();
        // The test server trusts loopback, so any password passes; what matters is where it shows.
        var url = database.Url.Replace("postgres@", "postgres:Pw-9xQz4Lm@", StringComparison.Ordinal);
        Assert.Contains("Pw-9xQz4Lm", url, StringComparison.Ordinal);
        using (var ledger = Ledgers.Open(url, LedgerMode.ReadWrite, _time))
        {
            Assert.DoesNotContain("Pw-9xQz4Lm", ledger.Location, StringComparison.Ordinal);
            Assert.Contains("postgres:***@", ledger.Location, StringComparison.Ordinal);
        }
        var unreachable = Assert.Throws<LedgerUnreadableException>(() =>
            Ledgers.Open("postgresql://someone:Pw-9xQz4Lm@127.0.0.1:1/nowhere?connect_timeout=2", LedgerMode.ReadWrite, _time));
        Assert.DoesNotContain("Pw-9xQz4Lm", unreachable.Message, StringComparison.Ordinal);
        Assert.Contains("postgresql://someone:***@127.0.0.1:1/nowhere", unreachable.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Pw-9xQz4Lm", database.Dump(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_database_that_does_not_exist_is_named_with_what_to_do()
    {
        var missing = TestPostgres.WithDatabase(TestPostgres.Server(), "kb_test_missing_" + Guid.NewGuid().ToString("N")[..8]);
        // Whether it exists cannot be known: the open that follows says why it cannot be used.
        Assert.True(Ledgers.Exists(missing));
        var refused = Assert.Throws<LedgerUnreadableException>(() => Ledgers.Open(missing, LedgerMode.ReadWrite, _time));
        Assert.Contains("does not exist", refused.Message, StringComparison.Ordinal);
        Assert.Contains("create the database first", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Once_a_write_failed_no_item_may_be_marked_in_doubt_but_outcomes_are_still_recorded()
    {
        using var database = TestPostgres.CreateDatabase();
        using var ledger = Ledgers.Open(database.Url, LedgerMode.ReadWrite, _time);
        var marked = Items.Survey("survey", Items.NewGroup());
        ledger.MarkInDoubt(marked, "req", null, _time.GetUtcNow());

        // The database stops taking writes (read-only, and every session of the ledger's cut off).
        database.OnServer($"ALTER DATABASE {database.Name} SET default_transaction_read_only = on");
        CutSessions(database);
        var failed = Assert.Throws<LedgerUnwritableException>(() => ledger.MarkInDoubt(Items.Survey("survey", Items.NewGroup()), "req", null, _time.GetUtcNow()));
        Assert.True(failed.Cause is LedgerWriteFailure.Unreachable or LedgerWriteFailure.NoPermission, failed.Cause.ToString());
        Assert.StartsWith($"the ledger {database.Url} cannot be written: ", failed.Message, StringComparison.Ordinal);

        // It takes writes again: an outcome (a request already on the wire) is recorded, but no new request may be marked to leave.
        database.OnServer($"ALTER DATABASE {database.Name} RESET default_transaction_read_only");
        CutSessions(database);
        ledger.MarkSent(marked.Action, marked.Key, "ref-0", "act-0");
        Assert.Equal(ItemState.Sent, ledger.Find(marked.Action, marked.Key)!.State);
        var refused = Assert.Throws<LedgerUnwritableException>(() => ledger.MarkInDoubt(Items.Survey("survey", Items.NewGroup()), "req", null, _time.GetUtcNow()));
        Assert.Equal(failed.Cause, refused.Cause);
        Assert.Equal(1, ledger.CountByState().Sum(c => c.Count));
    }

    /// <summary>Ends every session of the database but the caller's, as a server restart would.</summary>
    internal static void CutSessions(TestDatabase database) =>
        database.OnServer($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database.Name}' AND pid <> pg_backend_pid()");
}
