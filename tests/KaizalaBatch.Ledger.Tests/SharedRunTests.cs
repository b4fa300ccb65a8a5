using KaizalaBatch.Planning;
using KaizalaBatch.Tests.Postgres;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Ledger.Tests;

/// <summary>Several runners on one PostgreSQL ledger: they share the run lock (a command that needs the ledger alone is
/// refused, naming one of them), each item is held by one runner at a time under a lease its heartbeat renews, a lapsed
/// lease is taken over and its old holder can no longer send the item, and the pace is kept across all of them.</summary>
public sealed class SharedRunTests : IDisposable
{
    private readonly TestDatabase _database = TestPostgres.CreateDatabase();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => _database.Dispose();

    private ILedger Runner(TimeSpan? lease = null) =>
        Ledgers.Open(_database.Url, LedgerMode.SharedRun, _time, new LedgerOptions(Lease: lease ?? TimeSpan.FromSeconds(20)));

    [Fact]
    public void Runners_share_the_run_and_a_command_that_needs_the_ledger_alone_waits_for_them()
    {
        using (var first = Runner())
        using (var second = Runner())
        {
            Assert.NotNull(first.Sharing);
            Assert.NotEqual(first.Sharing.RunnerId, second.Sharing!.RunnerId);
            var refused = Assert.Throws<LedgerLockedException>(() => Ledgers.Open(_database.Url, LedgerMode.ReadWrite, _time));
            Assert.Equal(Environment.ProcessId, refused.Holder?.ProcessId);
            using var status = Ledgers.Open(_database.Url, LedgerMode.ReadOnly);
            var runners = status.Runners();
            Assert.Equal([first.Sharing.RunnerId, second.Sharing.RunnerId], runners.Select(r => r.Id));
            Assert.All(runners, r =>
            {
                Assert.Equal(Environment.MachineName, r.Host);
                Assert.Equal(Environment.ProcessId, r.ProcessId);
                Assert.Equal(0, r.ItemsHeld);
                Assert.True(r.Shared);
            });
        }
        using (var alone = Ledgers.Open(_database.Url, LedgerMode.ReadWrite, _time))
        {
            Assert.Null(alone.Sharing);
            var refused = Assert.Throws<LedgerLockedException>(() => Runner());
            Assert.Equal(Environment.ProcessId, refused.Holder?.ProcessId);
        }
        using var read = Ledgers.Open(_database.Url, LedgerMode.ReadOnly);
        Assert.Empty(read.Runners()); // each left its row behind it
    }

    [Fact]
    public void An_item_is_held_by_one_runner_at_a_time()
    {
        using var first = Runner();
        using var second = Runner();
        var item = Items.Survey("survey", Items.NewGroup());
        var granted = Assert.IsType<Claim.Granted>(first.Sharing!.TryClaim(item.Action, item.Key));
        Assert.Null(granted.Entry);
        Assert.Null(granted.LapsedHolder);
        Assert.IsType<Claim.Granted>(first.Sharing.TryClaim(item.Action, item.Key)); // its own, again
        var held = Assert.IsType<Claim.Held>(second.Sharing!.TryClaim(item.Action, item.Key));
        Assert.Equal(first.Sharing.RunnerId, held.Holder);

        first.MarkInDoubt(item, "req", "Safety check", _time.GetUtcNow());
        // Without the claim no request may be marked to leave.
        Assert.Throws<ClaimLostException>(() => second.MarkInDoubt(item, "req", "Safety check", _time.GetUtcNow()));
        using (var status = Ledgers.Open(_database.Url, LedgerMode.ReadOnly))
        {
            Assert.Equal([1, 0], status.Runners().Select(r => r.ItemsHeld));
        }

        first.Sharing.Release(item.Action, item.Key);
        var after = Assert.IsType<Claim.Granted>(second.Sharing.TryClaim(item.Action, item.Key));
        Assert.Equal(ItemState.InDoubt, after.Entry?.State);
        Assert.Null(after.LapsedHolder);
    }

    [Fact]
    public void A_lapsed_lease_is_taken_over_and_its_old_holder_can_no_longer_send_the_item()
    {
        using var dying = Runner();
        using var other = Runner();
        var item = Items.Survey("survey", Items.NewGroup());
        Assert.IsType<Claim.Granted>(dying.Sharing!.TryClaim(item.Action, item.Key));
        dying.MarkInDoubt(item, "req", "Safety check", _time.GetUtcNow());

        // Its heartbeat stops (the fake clock does not move), and the database's clock passes the lease.
        _database.Scalar("UPDATE claims SET lease_until = now() - interval '1 second'");
        var taken = Assert.IsType<Claim.Granted>(other.Sharing!.TryClaim(item.Action, item.Key));
        Assert.Equal(dying.Sharing.RunnerId, taken.LapsedHolder);
        Assert.Equal(ItemState.InDoubt, taken.Entry?.State);
        Assert.Equal("Safety check", taken.Entry?.SentTitle);

        Assert.Throws<ClaimLostException>(() => dying.MarkInDoubt(item, "req", "Safety check", _time.GetUtcNow()));
        other.MarkSent(item.Action, item.Key, "ref", "act", reconciled: true);
        Assert.Equal(ItemState.Sent, other.Find(item.Action, item.Key)!.State);
    }

    [Fact]
    public void The_heartbeat_renews_every_lease_of_its_runner()
    {
        using var runner = Runner(lease: TimeSpan.FromSeconds(20));
        var item = Items.Survey("survey", Items.NewGroup());
        Assert.IsType<Claim.Granted>(runner.Sharing!.TryClaim(item.Action, item.Key));
        _database.Scalar("UPDATE claims SET lease_until = now() + interval '1 second'; UPDATE runners SET heartbeat_at = now() - interval '1 minute'");
        _time.Advance(TimeSpan.FromSeconds(5)); // a beat: a quarter of the lease
        Assert.True((bool)_database.Scalar("SELECT lease_until > now() + interval '15 seconds' FROM claims")!);
        Assert.True((bool)_database.Scalar("SELECT heartbeat_at > now() - interval '10 seconds' FROM runners")!);
    }

    [Fact]
    public void The_runners_keep_one_pace_and_a_429_holds_them_all()
    {
        using var firstLedger = Runner();
        using var secondLedger = Runner();
        var first = firstLedger.Sharing!;
        var second = secondLedger.Sharing!;
        var window = TimeSpan.FromSeconds(60);
        var longest = TimeSpan.FromSeconds(5);
        var calls = new List<(ISharedRun Runner, long Call)>();
        foreach (var runner in new[] { first, second, first })
        {
            var turn = runner.TryStartCall("app", 3, window, longest);
            Assert.NotNull(turn.Call);
            calls.Add((runner, turn.Call.Value));
        }
        // Three under way: the fourth waits, looking again soon (one may end and make room).
        var full = second.TryStartCall("app", 3, window, longest);
        Assert.Null(full.Call);
        Assert.InRange(full.Wait, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        foreach (var (runner, call) in calls)
        {
            runner.EndCall(call, window);
        }
        // All three ended: the oldest leaves the window a minute after its end.
        var later = second.TryStartCall("app", 3, window, longest);
        Assert.Null(later.Call);
        Assert.InRange(later.Wait, TimeSpan.FromSeconds(55), TimeSpan.FromSeconds(61));
        Assert.NotNull(second.TryStartCall("other-connector", 3, window, longest).Call);

        // A 429 on one runner's call: it does not count, and every runner waits out the Retry-After.
        _database.Scalar("UPDATE calls SET counts_until = now() - interval '1 second'");
        var refused = first.TryStartCall("app", 3, window, longest);
        first.CallThrottled(refused.Call!.Value, "app", TimeSpan.FromSeconds(30));
        var paused = second.TryStartCall("app", 3, window, longest);
        Assert.Null(paused.Call);
        Assert.InRange(paused.Wait, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
    }
    [Fact]
    public async Task Runners_with_a_pool_keep_each_connectors_window_and_the_tenants_together()
    {
        using var firstLedger = Runner();
        using var secondLedger = Runner();
        var limits = new RunFiles.RunLimits(PerMinute: 2, Concurrency: 4, TenantPerMinute: 3);
        var loggers = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        await using var first = new Sending.PoolPacing(limits, ["a", "b"], loggers, _time, firstLedger.Sharing, TimeSpan.FromSeconds(5));
        await using var second = new Sending.PoolPacing(limits, ["a", "b"], loggers, _time, secondLedger.Sharing, TimeSpan.FromSeconds(5));
        var ct = TestContext.Current.CancellationToken;
        var permits = new List<Api.ICallPermit>
        {
            await first.GateFor("a").AcquireAsync(ct),
            await second.GateFor("a").AcquireAsync(ct),
        };
        // Connector a's window is full across the runners; b still has room, and the tenant one more call.
        var aFull = second.GateFor("a").AcquireAsync(ct).AsTask();
        permits.Add(await second.GateFor("b").AcquireAsync(ct));
        // Three calls: the tenant's window is full across the runners, so b waits too, on either runner.
        var tenantFull = first.GateFor("b").AcquireAsync(ct).AsTask();
        await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        Assert.False(aFull.IsCompleted);
        Assert.False(tenantFull.IsCompleted);
        Assert.Equal(3, Convert.ToInt32(_database.Scalar("SELECT count(*) FROM calls WHERE connector = '(tenant)'"), System.Globalization.CultureInfo.InvariantCulture));
        permits.ForEach(p => p.Dispose());
    }
}
