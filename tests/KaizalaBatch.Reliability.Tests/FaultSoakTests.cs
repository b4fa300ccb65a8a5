using KaizalaBatch.Cli;
using KaizalaBatch.Emulator;

namespace KaizalaBatch.Reliability.Tests;

/// <summary>Everything the network and the service do wrong at once: 5xx, resets, accepted-then-dropped posts,
/// answers slower than the client's timeout, tokens that expire every few seconds, and an endpoint move.
/// The batch must end fully sent with nothing sent twice (a scheduled job simply runs again after exit 1).</summary>
public sealed class FaultSoakTests
{
    [Fact]
    public async Task A_batch_under_every_fault_ends_fully_sent_without_duplicates()
    {
        var ct = TestContext.Current.CancellationToken;
        var items = Scale.Pick(300, 2000);
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions
        {
            PerMinute = 0, TenantPerMinute = 0, Seed = 7,
            Fault5xx = 0.10, FaultReset = 0.05, FaultAcceptDrop = 0.02,
            FaultSlow = 0.02, SlowDelay = TimeSpan.FromSeconds(2.5), // past the run file's 1 s timeout
            TokenLifetime = TimeSpan.FromSeconds(3),
            MoveAfter = Scale.Pick(100, 500),
        }, ct: ct);
        using var folder = new TempFolder();
        var runFile = SurveyBatch.Write(folder, emulator.ApiRoot, items, seed: 11, concurrency: 8, maxAttempts: 20, timeoutSeconds: 1);
        SurveyBatch.ExportEnvironment();

        var exits = new List<int>();
        var output = new StringWriter();
        for (var run = 0; run < 5 && exits.LastOrDefault(-1) != 0; run++)
        {
            exits.Add(await CliApp.RunAsync(["run", runFile], output, output, ct));
        }
        var delivery = await Witness.CheckAsync(emulator, runFile, ct);
        Scale.Report($"fault soak ({exits.Count} runs)", items, delivery.Duplicates, delivery.Lost,
            delivery.ExactlyOnce && delivery.LedgerConsistent ? "pass" : "FAIL");

        Assert.True(exits[^1] == 0, $"exits {string.Join(",", exits)}\n{output}");
        Assert.True(delivery.ExactlyOnce, delivery.ToString());
        Assert.True(delivery.LedgerConsistent, delivery.ToString());
        Assert.True(emulator.Actions.Count == items, delivery.ToString());
    }
}
