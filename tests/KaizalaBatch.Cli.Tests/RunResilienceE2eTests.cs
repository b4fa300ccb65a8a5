using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Emulator;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Cli.Tests;

/// <summary>What the service does to a client (REFERENCE.md), survived by the real run process: throttling, expiring
/// tokens, a moved endpoint, and Actions accepted whose answer is lost.</summary>
public sealed class RunResilienceE2eTests
{
    [Fact]
    public async Task Throttling_by_the_service_is_ridden_out_and_every_item_arrives_once()
    {
        // The emulator's minute runs on a clock that this test moves 5.9 s per API call, so its limit of 10 calls a
        // minute bites every eleventh call with Retry-After: 1 (real seconds for the client). The run file allows 300 a
        // minute, so only the service's 429s hold the client back. (That the client's own pacer keeps within perMinute
        // is proven on a fake clock in KaizalaBatch.Sending.Tests/PacerTests: in real time it costs a minute.)
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await RunScenario.StartAsync(items: 24, new EmulatorOptions
        {
            PerMinute = 10,
            TenantPerMinute = 0,
            Time = clock,
            Log = _ => clock.Advance(TimeSpan.FromSeconds(5.9)),
        });
        scenario.WriteRunFile(concurrency: 1, maxAttempts: 3);

        var run = await scenario.RunAsync();
        Assert.True(run.ExitCode == 0, run.AllOutput);
        scenario.AssertEachGroupExactlyOnce("after 429s");
        var stats = await StatsAsync(scenario.Emulator);
        Assert.True((int?)stats["total"]?["429"] >= 2, stats.ToJsonString());
        Assert.Contains("throttled", run.StdErr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_token_that_expires_mid_run_and_an_endpoint_that_moves_mid_run_are_survived()
    {
        var calls = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var scenario = await RunScenario.StartAsync(items: 100, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            TokenLifetime = TimeSpan.FromSeconds(1),
            Latency = TimeSpan.FromMilliseconds(40),
            MoveAfter = 30,
            Log = calls.Enqueue,
        });

        var run = await scenario.RunAsync();
        Assert.True(run.ExitCode == 0, run.AllOutput);
        scenario.AssertEachGroupExactlyOnce("after token renewals and a move");
        var stats = await StatsAsync(scenario.Emulator);
        var routes = stats["routes"]!.AsObject();
        Assert.True(routes.Where(r => r.Key.Contains("accessToken", StringComparison.Ordinal))
            .Sum(r => r.Value!.AsObject().Sum(o => (int)o.Value!)) >= 2, stats.ToJsonString());
        Assert.True((int?)stats["total"]?["308"] >= 1, stats.ToJsonString());
        Assert.True(calls.Count(c => c.Contains("POST /moved/1/v1/groups/", StringComparison.Ordinal) && c.EndsWith("200", StringComparison.Ordinal)) >= 50,
            string.Join("\n", calls));
        Assert.Contains("moved the endpoint", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Actions_accepted_whose_answer_is_dropped_end_as_sent_and_are_never_duplicated()
    {
        await using var scenario = await RunScenario.StartAsync(items: 40, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            Seed = 7,
            FaultAcceptDrop = 0.25,
        });
        scenario.WriteRunFile(maxAttempts: 8);

        var run = await scenario.RunAsync();
        Assert.True(run.ExitCode == 0, run.AllOutput);
        scenario.AssertEachGroupExactlyOnce("after accept-then-drop faults");
        var stats = await StatsAsync(scenario.Emulator);
        var drops = (int?)stats["total"]?["accept-drop"] ?? 0;
        Assert.True(drops >= 3, stats.ToJsonString());

        var export = await scenario.ExportJsonlAsync();
        Assert.All(export, r => Assert.Equal("sent", (string?)r["state"]));
        // Each dropped answer was resolved by reading the group back, not by posting again.
        Assert.Equal(drops, export.Count(r => (bool?)r["reconciled"] == true));
    }

    [Fact]
    public async Task Timeouts_and_resets_are_retried_through_the_read_back_and_every_item_arrives_once()
    {
        // Slow answers outlast the client's 1 s timeout (the Action was stored: found by the read-back); resets store
        // nothing (not found: sent again).
        await using var scenario = await RunScenario.StartAsync(items: 30, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            Seed = 11,
            FaultSlow = 0.1,
            SlowDelay = TimeSpan.FromSeconds(2),
            FaultReset = 0.1,
        });
        scenario.WriteRunFile(maxAttempts: 8, timeoutSeconds: 1);

        var run = await scenario.RunAsync();
        Assert.True(run.ExitCode == 0, run.AllOutput);
        scenario.AssertEachGroupExactlyOnce("after timeouts and resets");
        var stats = await StatsAsync(scenario.Emulator);
        Assert.True((int?)stats["total"]?["client-abort"] >= 1, stats.ToJsonString());
        Assert.True((int?)stats["total"]?["reset"] >= 1, stats.ToJsonString());
        Assert.Contains("timed out", run.StdErr, StringComparison.Ordinal);
        Assert.All(await scenario.ExportJsonlAsync(), r => Assert.Equal("sent", (string?)r["state"]));
    }

    internal static async Task<JsonObject> StatsAsync(KaizalaEmulator emulator)
    {
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl };
        return (await http.GetFromJsonAsync<JsonObject>("_emulator/stats", TestContext.Current.CancellationToken))!;
    }
}
