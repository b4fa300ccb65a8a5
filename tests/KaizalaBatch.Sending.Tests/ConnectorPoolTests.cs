using KaizalaBatch.Api;
using KaizalaBatch.Emulator;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using KaizalaBatch.RunFiles;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Sending.Tests;

/// <summary>A pool of connectors of one tenant (connection.connectors) against the emulator at the service's own limits, 100
/// calls a minute per connector and 300 per tenant, over real loopback HTTP, on one fake clock.</summary>
public sealed class ConnectorPoolTests : IDisposable
{
    private static readonly string[] Names = ["north", "south", "east"];
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_pool_of_three_fills_the_tenant_window_with_no_429_and_an_even_spread()
    {
        // 897 Actions and 3 token calls: exactly three of the tenant's windows.
        var pool = await PoolRun.StartAsync(_dir.File("pool.ledger.db"), Names, TestContext.Current.CancellationToken);
        await using (pool)
        {
            var items = Enumerable.Range(0, 897).Select(i => Items.Survey("survey", Items.NewGroup(), $"Check {i}")).ToList();
            var summary = await pool.RunAsync(items);

            Assert.Equal(897, summary.Sent);
            Assert.Equal(0, pool.Throttled);
            var accepted = pool.Emulator.Actions.OrderBy(a => a.CreatedAt).ToList();
            Assert.Equal(897, accepted.Select(a => a.GroupId).Distinct().Count());
            Assert.Equal(897, accepted.Count);
            // The tenant's window was full: some minute carried 300 calls (3 of them token calls), never more; and the whole
            // batch took three windows and a call or two in a fourth, where one connector alone would need nine.
            var busiest = accepted.Max(a => accepted.Count(b => b.CreatedAt >= a.CreatedAt && b.CreatedAt < a.CreatedAt + TimeSpan.FromMinutes(1)));
            Assert.InRange(busiest, 297, 300);
            var span = accepted[^1].CreatedAt - accepted[0].CreatedAt;
            Assert.InRange(span, TimeSpan.FromSeconds(119), TimeSpan.FromSeconds(185));
            var perConnector = accepted.GroupBy(a => a.Connector).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(3, perConnector.Count);
            Assert.All(perConnector.Values, n => Assert.InRange(n, 290, 308));
            // The ledger says which connector sent each item, and it is the one the service saw.
            using var ledger = Ledgers.Open(pool.LedgerPath, LedgerMode.ReadOnly);
            var byGroup = accepted.ToDictionary(a => a.GroupId.ToString("D"), a => a.Connector);
            Assert.All(ledger.Export(), r => Assert.Equal(byGroup[r.GroupId], PoolRun.AppIdOf(r.Connector!)));
        }
    }

    [Fact]
    public async Task A_pinned_item_goes_through_its_connector_and_the_others_spread()
    {
        var pool = await PoolRun.StartAsync(_dir.File("pinned.ledger.db"), Names, TestContext.Current.CancellationToken);
        await using (pool)
        {
            var pinned = Enumerable.Range(0, 12).Select(i => Items.Survey("survey", Items.NewGroup(), $"Pinned {i}") with { Connector = "south" }).ToList();
            var free = Enumerable.Range(0, 30).Select(i => Items.Survey("survey", Items.NewGroup(), $"Free {i}")).ToList();
            var summary = await pool.RunAsync([.. pinned.Zip(free.Take(12), (p, f) => new[] { p, f }).SelectMany(x => x), .. free.Skip(12)]);

            Assert.Equal(42, summary.Sent);
            var connectorOf = pool.Emulator.Actions.ToDictionary(a => a.GroupId.ToString("D"), a => a.Connector);
            Assert.All(pinned, item => Assert.Equal(PoolRun.AppIdOf("south"), connectorOf[item.GroupId]));
            var freeSpread = free.GroupBy(item => connectorOf[item.GroupId]).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(3, freeSpread.Count);
            using var ledger = Ledgers.Open(pool.LedgerPath, LedgerMode.ReadOnly);
            Assert.All(pinned, item => Assert.Equal("south", ledger.Find(item.Action, item.Key)?.Connector));
        }
    }

    [Fact]
    public async Task An_in_doubt_item_is_read_back_through_the_connector_that_sent_it()
    {
        var pool = await PoolRun.StartAsync(_dir.File("doubt.ledger.db"), Names, TestContext.Current.CancellationToken);
        await using (pool)
        {
            // A first run sends one item through each connector.
            var items = Enumerable.Range(0, 3).Select(i => Items.Survey("survey", Items.NewGroup(), $"Doubt {i}")).ToList();
            Assert.Equal(3, (await pool.RunAsync(items)).Sent);
            // Then a ledger as a crash right after the requests left would leave it: every item in doubt, with the connector
            // its request went through, and no answer recorded.
            Dictionary<string, LedgerRecord> first;
            using (var ledger = Ledgers.Open(pool.LedgerPath, LedgerMode.ReadOnly))
            {
                first = ledger.Export().ToDictionary(r => r.Key);
            }
            File.Delete(pool.LedgerPath);
            using (var ledger = Ledgers.Open(pool.LedgerPath, LedgerMode.ReadWrite, pool.Time))
            {
                foreach (var item in items)
                {
                    var record = first[item.Key];
                    ledger.MarkInDoubt(item, record.RequestHash!, record.SentTitle, pool.Time.GetUtcNow() - TimeSpan.FromMinutes(5),
                        connector: record.Connector);
                }
            }
            var again = await pool.RunAsync(items);

            Assert.Equal(3, again.Reconciled);
            Assert.Equal(3, pool.Emulator.Actions.Count);
            // Each group was listed by the connector that sent to it.
            foreach (var action in pool.Emulator.Actions)
            {
                Assert.Contains(pool.Reads, read => read.Group == action.GroupId.ToString("D") && read.Connector == action.Connector);
            }
        }
    }

    [Fact]
    public async Task A_429_of_the_tenant_pauses_every_connector_and_one_of_a_connector_only_that_one()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var logger = new ListLogger();
        await using var pace = new PoolPacing(new RunLimits(PerMinute: 100, Concurrency: 4), ["a", "b"], new ListLoggerFactory(logger), time);
        var a = pace.GateFor("a");
        var b = pace.GateFor("b");
        var ct = TestContext.Current.CancellationToken;

        // Connector a alone had calls: a 429 is its own window's; b goes on at once.
        (await a.AcquireAsync(ct)).Dispose();
        using (var refused = await a.AcquireAsync(ct))
        {
            refused.Throttled(TimeSpan.FromSeconds(30));
        }
        var free = b.AcquireAsync(ct);
        Assert.True(free.IsCompleted);
        (await free).Dispose();
        Assert.False(a.AcquireAsync(ct).IsCompleted);
        Assert.Contains("throttled connector a;", logger.All);

        // Both had calls and a was far below its limit: the tenant's window was full; b waits too.
        time.Advance(TimeSpan.FromSeconds(31));
        using (var refused = await b.AcquireAsync(ct))
        {
            refused.Throttled(TimeSpan.FromSeconds(20));
        }
        Assert.Contains("throttled the tenant;", logger.All);
        var waiting = b.AcquireAsync(ct).AsTask();
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(21));
        (await waiting.WaitAsync(TimeSpan.FromSeconds(10), ct)).Dispose();
    }
}

/// <summary>The emulator at the service's limits, a pool of connectors paced together, a ledger, on one fake clock.</summary>
internal sealed partial class PoolRun : IAsyncDisposable
{
    [System.Text.RegularExpressions.GeneratedRegex(@"GET \S*/v1/groups/([0-9a-f-]+)/actions\S* by (\S+) -> ")]
    private static partial System.Text.RegularExpressions.Regex ReadBack();

    private readonly ListLogger _logger = new();
    private readonly PoolPacing _pace;
    private readonly ConnectorPool _pool;
    private int _throttled;

    private PoolRun(KaizalaEmulator emulator, FakeTimeProvider time, string ledgerPath, PoolPacing pace, ConnectorPool pool)
    {
        Emulator = emulator;
        Time = time;
        LedgerPath = ledgerPath;
        _pace = pace;
        _pool = pool;
    }

    public KaizalaEmulator Emulator { get; }

    public FakeTimeProvider Time { get; }

    public string LedgerPath { get; }

    public int Throttled => _throttled;

    /// <summary>Every read-back call: the group listed and the connector that listed it.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(string Group, string Connector)> Reads { get; } = new();

    public static string AppIdOf(string name) => "app-" + name;

    public static async Task<PoolRun> StartAsync(string ledgerPath, IReadOnlyList<string> names, CancellationToken ct)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        PoolRun? run = null;
        var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions
        {
            PerMinute = 100,
            TenantPerMinute = 300,
            Time = time,
            Log = line =>
            {
                if (line.EndsWith("-> 429", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref run!._throttled);
                }
                // "7 GET /v1/groups/{id}/actions?... by app-north -> 200": a read-back, and who made it.
                if (ReadBack().Match(line) is { Success: true } read)
                {
                    run!.Reads.Enqueue((read.Groups[1].Value, read.Groups[2].Value));
                }
            },
        }, ct: ct);
        var logger = new ListLogger();
        var pace = new PoolPacing(new RunLimits(PerMinute: 100, Concurrency: 6), names.Select(AppIdOf), new ListLoggerFactory(logger), time);
        var pool = new ConnectorPool([.. names.Select(name =>
        {
            var options = new KaizalaClientOptions(emulator.ApiRoot, AppIdOf(name), new Secret("secret-" + name), new Secret("refresh-" + name))
            {
                Timeout = TimeSpan.FromHours(1), // the fake clock moves on while a request travels
            };
            return new PoolConnector(name, new KaizalaClient(options, pace.GateFor(AppIdOf(name)), time, logger));
        })]);
        run = new PoolRun(emulator, time, ledgerPath, pace, pool);
        return run;
    }

    /// <summary>Runs the items to their end, moving the clock on whenever the emulator has heard nothing new for a moment.</summary>
    public async Task<RunSummary> RunAsync(IReadOnlyList<RenderedItem> items)
    {
        using var ledger = Ledgers.Open(LedgerPath, LedgerMode.ReadWrite, Time);
        var runner = new BatchRunner(_pool, ledger, new BatchOptions(MaxAttempts: 10, Concurrency: 6) { JitterSeed = 1 }, Time, _logger);
        var run = runner.RunAsync(Planned.Against(ledger, items), null, items.Count, CancellationToken.None, CancellationToken.None);
        Clocks.Drive(run, Emulator, Time, TimeSpan.FromHours(1));
        return await run;
    }

    public async ValueTask DisposeAsync()
    {
        _pool.Dispose();
        await _pace.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
