using KaizalaBatch.Planning;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Ledger.Tests;

/// <summary>The ledger contract (docs/architecture.md, ILedger) on every backend: a read-only open creates nothing, writes are
/// committed before they return and survive a reopen, the states and their transitions, media remembered, the run lock.
/// The same test, word for word, against a SQLite file and a PostgreSQL database.</summary>
public sealed class LedgerContractTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    public static TheoryData<string> Backends => LedgerBackend.All;

    [Theory]
    [MemberData(nameof(Backends))]
    public void Read_only_open_of_a_missing_ledger_creates_nothing(string name)
    {
        using var backend = LedgerBackend.Create(name);
        using (var ledger = backend.Open(LedgerMode.ReadOnly))
        {
            Assert.False(ledger.Exists);
            Assert.Null(ledger.Find("a", "k"));
            Assert.Empty(ledger.CountByState());
            Assert.Empty(ledger.Export());
            Assert.Empty(ledger.Runners());
        }
        Assert.True(backend.LeftNoTrace());
        Assert.False(Ledgers.Exists(backend.Location));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Writes_survive_reopen_and_the_schema_is_versioned(string name)
    {
        using var backend = LedgerBackend.Create(name);
        var item = Items.Survey("survey", Items.NewGroup());
        using (var ledger = backend.Open(LedgerMode.ReadWrite, _time))
        {
            Assert.Equal(backend.CurrentSchemaVersion, backend.SchemaVersion(ledger));
            ledger.MarkInDoubt(item, "req1", null, _time.GetUtcNow());
            ledger.MarkSent(item.Action, item.Key, "ref-1", "act-1");
            ledger.RecordMedia("hash1", "media-1", "photo.jpg");
        }
        Assert.True(Ledgers.Exists(backend.Location));
        using var again = backend.Open(LedgerMode.ReadOnly);
        var entry = again.Find(item.Action, item.Key);
        Assert.NotNull(entry);
        Assert.Equal(ItemState.Sent, entry.State);
        Assert.Equal("ref-1", entry.ReferenceId);
        Assert.Equal("act-1", entry.ActionId);
        Assert.Equal(1, entry.Attempts);
        Assert.Equal(item.ContentHash, entry.ContentHash);
        Assert.Equal("media-1", again.FindMedia("hash1")?.MediaResource);
        Assert.Equal(backend.CurrentSchemaVersion, backend.SchemaVersion(again));
        var record = Assert.Single(again.Export());
        Assert.Equal("req1", record.RequestHash);
        Assert.Equal(item.GroupId, record.GroupId);
        Assert.Equal(_time.GetUtcNow(), again.CreatedAt);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void The_connector_of_the_last_attempt_is_kept_with_its_in_doubt_mark(string name)
    {
        using var backend = LedgerBackend.Create(name);
        var item = Items.Survey("survey", Items.NewGroup());
        using (var ledger = backend.Open(LedgerMode.ReadWrite, _time))
        {
            ledger.MarkInDoubt(item, "req1", "Title", _time.GetUtcNow(), connector: "north");
            Assert.Equal("north", ledger.Find(item.Action, item.Key)?.Connector);
            // A later attempt through another connector: the read-back must ask that one.
            ledger.MarkInDoubt(item, "req1", "Title", _time.GetUtcNow(), connector: "south");
            ledger.MarkSent(item.Action, item.Key, "ref-1", "act-1");
        }
        using var again = backend.Open(LedgerMode.ReadOnly);
        Assert.Equal("south", again.Find(item.Action, item.Key)?.Connector);
        Assert.Equal("south", Assert.Single(again.Export()).Connector);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Every_write_is_committed_durably_before_the_call_returns(string name)
    {
        using var backend = LedgerBackend.Create(name);
        var item = Items.Survey("survey", Items.NewGroup());
        using var writer = backend.Open(LedgerMode.ReadWrite, _time);
        Assert.Matches(backend.DurabilityPattern, writer.Durability);
        writer.MarkInDoubt(item, "r", null, _time.GetUtcNow());
        // Another connection sees it at once, with the writer still open: nothing waits in a buffer or an open transaction.
        using var reader = backend.Open(LedgerMode.ReadOnly);
        Assert.Equal(ItemState.InDoubt, reader.Find(item.Action, item.Key)?.State);
        writer.MarkSent(item.Action, item.Key, "ref", "act");
        Assert.Equal(ItemState.Sent, reader.Find(item.Action, item.Key)?.State);
        Assert.Throws<InvalidOperationException>(() => reader.MarkFailed(item.Action, item.Key, "read-only"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void In_doubt_streak_keeps_its_first_start_and_counts_attempts(string name)
    {
        using var backend = LedgerBackend.Create(name);
        var item = Items.Job("job", Items.NewGroup());
        using var ledger = backend.Open(LedgerMode.ReadWrite, _time);
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

    [Theory]
    [MemberData(nameof(Backends))]
    public void Status_counts_per_action_and_state(string name)
    {
        using var backend = LedgerBackend.Create(name);
        using var ledger = backend.Open(LedgerMode.ReadWrite, _time);
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

    [Theory]
    [MemberData(nameof(Backends))]
    public void A_second_run_is_refused_naming_the_holder_and_admitted_after_dispose(string name)
    {
        using var backend = LedgerBackend.Create(name);
        using (var first = backend.Open(LedgerMode.ReadWrite, _time))
        {
            var refused = Assert.Throws<LedgerLockedException>(() => backend.Open(LedgerMode.ReadWrite, _time));
            Assert.NotNull(refused.Holder);
            Assert.Equal(Environment.ProcessId, refused.Holder.ProcessId);
            Assert.Equal(Environment.MachineName, refused.Holder.Host);
            Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Message);
            // Readers (plan, status, export) are never refused.
            using var reader = backend.Open(LedgerMode.ReadOnly);
            Assert.Empty(reader.CountByState());
        }
        using var second = backend.Open(LedgerMode.ReadWrite, _time);
        Assert.True(second.Exists);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void The_states_keep_their_rules_and_what_sending_learns_is_kept(string name)
    {
        using var backend = LedgerBackend.Create(name);
        using var ledger = backend.Open(LedgerMode.ReadWrite, _time);
        var sent = Items.Survey("survey", Items.NewGroup(), "Poll one");
        var doubtful = Items.Survey("survey", Items.NewGroup(), "Poll two");
        ledger.MarkInDoubt(sent, "r1", "Poll one", _time.GetUtcNow());
        ledger.MarkSent(sent.Action, sent.Key, "ref-1", "act-1");
        ledger.MarkInDoubt(doubtful, "r2", "Poll two", _time.GetUtcNow());

        // A sent item is never made invalid or failed-before-sending; an in-doubt one is never failed before sending.
        ledger.MarkInvalid(sent, "late error");
        ledger.MarkFailedBeforeSending(sent, "upload refused");
        ledger.MarkFailedBeforeSending(doubtful, "upload refused");
        Assert.Equal(ItemState.Sent, ledger.Find(sent.Action, sent.Key)!.State);
        Assert.Equal(ItemState.InDoubt, ledger.Find(doubtful.Action, doubtful.Key)!.State);
        Assert.Equal("Poll two", ledger.Find(doubtful.Action, doubtful.Key)!.SentTitle);
        var fresh = Items.Job("job", Items.NewGroup());
        ledger.MarkFailedBeforeSending(fresh, "upload refused");
        Assert.Equal(ItemState.Failed, ledger.Find(fresh.Action, fresh.Key)!.State);

        // Media remembered once; the connector's sender; a sent sample of a listable type.
        ledger.RecordMedia("h", "media-1", "a.jpg");
        ledger.RecordMedia("h", "media-2", "b.jpg");
        Assert.Equal("media-1", ledger.FindMedia("h")!.MediaResource);
        Assert.Null(ledger.FindMedia("other"));
        Assert.Null(ledger.FindSender("app"));
        ledger.RecordSender("app", "+911234567890");
        ledger.RecordSender("app", "+911234567891");
        Assert.Equal("+911234567891", ledger.FindSender("app"));
        Assert.Equal(sent.Key, ledger.FindSentSample(["Survey", "Poll"])!.Key);
        Assert.Null(ledger.FindSentSample(["Job"]));

        // The user's decision, recorded with who made it.
        Assert.Equal([doubtful.Key], ledger.InDoubtItems().Select(r => r.Key));
        Assert.Empty(ledger.InDoubtItems("job"));
        Assert.Equal(1, ledger.Resolve("survey", null, Resolution.NotSent, "ops@host"));
        var settled = ledger.FindRecord(doubtful.Action, doubtful.Key)!;
        Assert.Equal(ItemState.Failed, settled.State);
        Assert.Equal("ops@host", settled.ResolvedBy);
        Assert.Equal("resolved as not sent by ops@host", settled.LastError);
        Assert.Equal(0, ledger.Resolve(null, null, Resolution.Sent, "ops@host"));

        // What report and remind keep.
        ledger.RecordResponses(sent.Action, sent.Key, 2, "[1,2]");
        ledger.RecordResponses(sent.Action, sent.Key, 3, "[1,2,3]");
        Assert.Equal(3, ledger.CachedResponses()[(sent.Action, sent.Key)].ResponseCount);
        ledger.RecordReminder(sent.Action, sent.Key);
        _time.Advance(TimeSpan.FromHours(1));
        ledger.RecordReminder(sent.Action, sent.Key);
        Assert.Equal(_time.GetUtcNow(), ledger.LastReminders()[(sent.Action, sent.Key)]);
    }
}
