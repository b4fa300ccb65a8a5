using System.Diagnostics;
using KaizalaBatch.Ledger;
using KaizalaBatch.Ledger.Sqlite;
using KaizalaBatch.Planning;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Ledger.Tests;

/// <summary>The SQLite ledger's own ways of keeping the contract (LedgerContractTests holds the contract itself, run on every
/// backend): WAL, in-place migrations, the OS lock on the lock file, prepared lookups, a really full disk.</summary>
public sealed class SqliteLedgerTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_file_is_kept_in_wal_mode()
    {
        // The rest of what a reopen shows is the contract's (LedgerContractTests); this is how SQLite keeps it.
        var path = _dir.File("run.ledger.db");
        using (var ledger = SqliteLedger.Open(path, LedgerMode.ReadWrite, _time))
        {
            ledger.MarkInDoubt(Items.Survey("survey", Items.NewGroup()), "req1", null, _time.GetUtcNow());
        }
        using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        raw.Open();
        using var pragma = raw.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", pragma.ExecuteScalar());
    }

    [Fact]
    public void A_shared_run_on_a_file_is_one_run_at_a_time()
    {
        var path = _dir.File("run.ledger.db");
        using var first = Ledgers.Open(path, LedgerMode.SharedRun, _time);
        Assert.True(first.IsWritable);
        Assert.Null(first.Sharing);
        Assert.Empty(first.Runners());
        Assert.Throws<LedgerLockedException>(() => Ledgers.Open(path, LedgerMode.SharedRun, _time));
    }

    [Fact]
    public void An_older_ledger_is_migrated_in_place_keeping_its_rows()
    {
        var path = _dir.File("old.ledger.db");
        using (var raw = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            raw.Open();
            LedgerSchema.Migrate(raw, upTo: 1);
            using var insert = raw.CreateCommand();
            insert.CommandText = "INSERT INTO items (action, key, group_id, action_type, state, content_hash, attempts, updated_at) VALUES ('a', 'k', 'g', 'Job', 'Sent', 'h', 1, 0)";
            insert.ExecuteNonQuery();
            Assert.Equal(1, LedgerSchema.ReadVersion(raw));
        }
        Assert.Throws<LedgerSchemaException>(() => SqliteLedger.Open(path, LedgerMode.ReadOnly));
        using (var ledger = SqliteLedger.Open(path, LedgerMode.ReadWrite, _time))
        {
            Assert.Equal(LedgerSchema.CurrentVersion, ledger.SchemaVersion);
            Assert.Equal(ItemState.Sent, ledger.Find("a", "k")?.State);
            Assert.False(ledger.FindRecord("a", "k")?.Reconciled);
        }
    }

    [Fact]
    public void A_ledger_from_a_newer_version_is_refused()
    {
        var path = _dir.File("new.ledger.db");
        using (var raw = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            command.ExecuteNonQuery();
        }
        Assert.Throws<LedgerSchemaException>(() => SqliteLedger.Open(path, LedgerMode.ReadWrite));
        Assert.Throws<LedgerSchemaException>(() => SqliteLedger.Open(path, LedgerMode.ReadOnly));
    }

    [Fact]
    public void Point_lookups_over_many_items_use_one_prepared_statement()
    {
        var path = _dir.File("big.ledger.db");
        using (var raw = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            raw.Open();
            LedgerSchema.Migrate(raw, LedgerSchema.CurrentVersion);
            using var transaction = raw.BeginTransaction();
            using var insert = raw.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO items (action, key, group_id, action_type, state, content_hash, attempts, updated_at) VALUES ('a', $k, 'g', 'Job', 'Sent', 'h', 1, 0)";
            var key = insert.Parameters.Add("$k", SqliteType.Text);
            for (var i = 0; i < 100_000; i++)
            {
                key.Value = "k" + i;
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        using var ledger = SqliteLedger.Open(path, LedgerMode.ReadOnly);
        for (var i = 0; i < 100_000; i += 7)
        {
            Assert.Equal(ItemState.Sent, ledger.Find("a", "k" + i)?.State);
        }
        Assert.Null(ledger.Find("a", "missing"));
        Assert.Equal(100_000, ledger.Export().Count());
    }

    [Fact]
    public void A_lock_held_by_another_process_is_refused_and_freed_when_that_process_is_killed()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/usr/bin/flock"))
        {
            return;
        }
        var path = _dir.File("run.ledger.db");
        // flock(1) takes the same kind of lock .NET takes for FileShare.None, then waits: a stand-in for another run.
        using var child = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["-x", "-o", SqliteLedger.LockPathFor(path), "-c", "echo held; exec sleep 60"])
        {
            RedirectStandardOutput = true,
        })!;
        try
        {
            Assert.Equal("held", child.StandardOutput.ReadLine());
            Assert.Throws<LedgerLockedException>(() => SqliteLedger.Open(path, LedgerMode.ReadWrite, _time));
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        using var ledger = SqliteLedger.Open(path, LedgerMode.ReadWrite, _time);
        Assert.True(ledger.Exists);
    }

    [Fact]
    public void Once_a_write_failed_for_a_full_disk_no_item_may_be_marked_in_doubt_but_outcomes_are_still_recorded()
    {
        using var disk = Cli.Tests.SmallDisk.Mount(_dir.File("disk"), kilobytes: 200);
        using var ledger = SqliteLedger.Open(Path.Combine(disk.Path, "run.ledger.db"), LedgerMode.ReadWrite, _time);
        var marked = new List<RenderedItem>();
        LedgerUnwritableException? full = null;
        for (var i = 0; i < 10_000; i++)
        {
            var item = Items.Survey("survey", Items.NewGroup(), $"Check {i}");
            var error = Record.Exception(() => ledger.MarkInDoubt(item, "req", null, _time.GetUtcNow()));
            if (error is null)
            {
                marked.Add(item);
                continue;
            }
            full = Assert.IsType<LedgerUnwritableException>(error);
            break;
        }
        Assert.NotNull(full);
        Assert.Equal(LedgerWriteFailure.DiskFull, full.Cause);
        Assert.Equal(ledger.Path, full.LedgerPath);
        Assert.StartsWith($"the ledger {ledger.Path} cannot be written: the disk is full. Free space on that disk, then run again", full.Message);
        Assert.Equal(13, Assert.IsType<SqliteException>(full.InnerException).SqliteErrorCode);

        // Room again: an outcome (a request already on the wire) is recorded, but no new request may be marked to leave.
        disk.Grow(kilobytes: 16 * 1024);
        ledger.MarkSent(marked[0].Action, marked[0].Key, "ref-0", "act-0");
        Assert.Equal(ItemState.Sent, ledger.Find(marked[0].Action, marked[0].Key)!.State);
        var refused = Assert.Throws<LedgerUnwritableException>(() => ledger.MarkInDoubt(Items.Survey("survey", Items.NewGroup()), "req", null, _time.GetUtcNow()));
        Assert.Equal(LedgerWriteFailure.DiskFull, refused.Cause);
        Assert.Equal(marked.Count, ledger.CountByState().Sum(c => c.Count));
    }
}
