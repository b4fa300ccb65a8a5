using System.Diagnostics;
using KaizalaBatch.Ledger;
using KaizalaBatch.Ledger.Sqlite;
using KaizalaBatch.Planning;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Ledger.Tests;

/// <summary>The SQLite ledger: the contract's promises (durability, the run lock, states, media, no secrets) on real files.</summary>
public sealed class SqliteLedgerTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Read_only_open_of_a_missing_file_creates_nothing()
    {
        var path = _dir.File("run.ledger.db");
        using (var ledger = SqliteLedger.Open(path, LedgerMode.ReadOnly))
        {
            Assert.False(ledger.Exists);
            Assert.Null(ledger.Find("a", "k"));
            Assert.Empty(ledger.CountByState());
            Assert.Empty(ledger.Export());
        }
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Writes_survive_reopen_and_the_schema_is_versioned()
    {
        var path = _dir.File("run.ledger.db");
        var item = Items.Survey("survey", Items.NewGroup());
        using (var ledger = SqliteLedger.Open(path, LedgerMode.ReadWrite, _time))
        {
            Assert.Equal(LedgerSchema.CurrentVersion, ledger.SchemaVersion);
            ledger.MarkInDoubt(item, "req1", null, _time.GetUtcNow());
            ledger.MarkSent(item.Action, item.Key, "ref-1", "act-1");
            ledger.RecordMedia("hash1", "media-1", "photo.jpg");
        }
        using (var again = SqliteLedger.Open(path, LedgerMode.ReadOnly))
        {
            var entry = again.Find(item.Action, item.Key);
            Assert.NotNull(entry);
            Assert.Equal(ItemState.Sent, entry.State);
            Assert.Equal("ref-1", entry.ReferenceId);
            Assert.Equal("act-1", entry.ActionId);
            Assert.Equal(1, entry.Attempts);
            Assert.Equal(item.ContentHash, entry.ContentHash);
            Assert.Equal("media-1", again.FindMedia("hash1")?.MediaResource);
            Assert.Equal(LedgerSchema.CurrentVersion, again.SchemaVersion);
            var record = Assert.Single(again.Export());
            Assert.Equal("req1", record.RequestHash);
            Assert.Equal(item.GroupId, record.GroupId);
        }
        using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        raw.Open();
        using var pragma = raw.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", pragma.ExecuteScalar());
    }

    [Fact]
    public void Every_write_is_committed_durably_before_the_call_returns()
    {
        var path = _dir.File("run.ledger.db");
        var item = Items.Survey("survey", Items.NewGroup());
        using var writer = SqliteLedger.Open(path, LedgerMode.ReadWrite, _time);
        Assert.Equal("SQLite WAL, synchronous=FULL", writer.Durability); // the WAL is fsynced at every commit
        writer.MarkInDoubt(item, "r", null, _time.GetUtcNow());
        // Another connection sees it at once, with the writer still open: nothing waits in a buffer or an open transaction.
        using var reader = SqliteLedger.Open(path, LedgerMode.ReadOnly);
        Assert.Equal(ItemState.InDoubt, reader.Find(item.Action, item.Key)?.State);
        writer.MarkSent(item.Action, item.Key, "ref", "act");
        Assert.Equal(ItemState.Sent, reader.Find(item.Action, item.Key)?.State);
        Assert.Throws<InvalidOperationException>(() => reader.MarkFailed(item.Action, item.Key, "read-only"));
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
    public void In_doubt_streak_keeps_its_first_start_and_counts_attempts()
    {
        var path = _dir.File("run.ledger.db");
        var item = Items.Job("job", Items.NewGroup());
        using var ledger = SqliteLedger.Open(path, LedgerMode.ReadWrite, _time);
        var first = _time.GetUtcNow();
        ledger.MarkInDoubt(item, "r", null, first);
        ledger.MarkStillInDoubt(item.Action, item.Key, "timeout");
        _time.Advance(TimeSpan.FromSeconds(30));
        ledger.MarkInDoubt(item, "r", null, _time.GetUtcNow());
        var record = ledger.FindRecord(item.Action, item.Key)!;
        Assert.Equal(ItemState.InDoubt, record.State);
        Assert.Equal(2, record.Attempts);
        Assert.Equal(first, record.InDoubtSince);
        Assert.Equal(first.AddSeconds(30), record.AttemptStartedAt);
        ledger.MarkFailed(item.Action, item.Key, "HTTP 400: bad title");
        record = ledger.FindRecord(item.Action, item.Key)!;
        Assert.Equal(ItemState.Failed, record.State);
        Assert.Null(record.InDoubtSince);
        Assert.Equal("HTTP 400: bad title", record.LastError);
        ledger.MarkInDoubt(item, "r", null, _time.GetUtcNow());
        Assert.Equal(_time.GetUtcNow(), ledger.FindRecord(item.Action, item.Key)!.InDoubtSince);
    }

    [Fact]
    public void Status_counts_per_action_and_state()
    {
        using var ledger = SqliteLedger.Open(_dir.File("run.ledger.db"), LedgerMode.ReadWrite, _time);
        for (var i = 0; i < 5; i++)
        {
            var item = Items.Survey("survey", Items.NewGroup());
            ledger.MarkInDoubt(item, "r", null, _time.GetUtcNow());
            if (i < 3)
            {
                ledger.MarkSent(item.Action, item.Key, $"ref{i}", null);
            }
        }
        ledger.MarkInvalid(Items.Job("job", Items.NewGroup()), "title is missing");
        Assert.Equal(
            [new StateCount("job", ItemState.Invalid, 1), new StateCount("survey", ItemState.InDoubt, 2), new StateCount("survey", ItemState.Sent, 3)],
            ledger.CountByState());
        Assert.True(ledger.IsReferenceKnown("ref1"));
        Assert.False(ledger.IsReferenceKnown("ref9"));
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
    public void A_second_run_is_refused_naming_the_holder_and_admitted_after_dispose()
    {
        var path = _dir.File("run.ledger.db");
        using (var first = SqliteLedger.Open(path, LedgerMode.ReadWrite, _time))
        {
            var refused = Assert.Throws<LedgerLockedException>(() => SqliteLedger.Open(path, LedgerMode.ReadWrite, _time));
            Assert.NotNull(refused.Holder);
            Assert.Equal(Environment.ProcessId, refused.Holder.ProcessId);
            Assert.Equal(Environment.MachineName, refused.Holder.Host);
            Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Message);
            // Readers (plan, status, export) are never refused.
            using var reader = SqliteLedger.Open(path, LedgerMode.ReadOnly);
            Assert.Empty(reader.CountByState());
        }
        using var second = SqliteLedger.Open(path, LedgerMode.ReadWrite, _time);
        Assert.True(second.Exists);
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
