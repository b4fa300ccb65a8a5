namespace KaizalaBatch.Reliability.Tests;

/// <summary>The ledger's disk fills during a run (a real tmpfs of 300 KB): the run stops with exit 3 and one message,
/// and once the disk has room again the next run completes every item exactly once.</summary>
public sealed class LedgerDiskFullTests
{
    [Fact]
    public async Task A_full_ledger_disk_stops_the_run_cleanly_and_the_next_run_completes_every_item_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var items = Scale.Pick(300, 1500);
        await using var emulator = await Emulator.KaizalaEmulator.StartAsync(
            new Emulator.EmulatorOptions { PerMinute = 0, TenantPerMinute = 0 }, ct: ct);
        using var folder = new TempFolder();
        var runFile = SurveyBatch.Write(folder, emulator.ApiRoot, items, seed: 17, concurrency: 8);
        using var disk = SmallDisk.Mount(Path.Combine(folder.Path, "disk"), kilobytes: 300);
        File.AppendAllText(runFile, "ledger: disk/reliability.ledger.db\n");

        var full = await CliProcess.RunAsync(["run", runFile], folder.Path, SurveyBatch.Environment, TimeSpan.FromMinutes(5));
        var stoppedCleanly = full.ExitCode == 3
            && full.StdErr.Split("cannot be written: the disk is full").Length == 2
            && !full.AllOutput.Contains("   at ", StringComparison.Ordinal);
        var sentBeforeTheStop = emulator.Actions.Count;

        disk.Grow(kilobytes: 256 * 1024);
        var again = await CliProcess.RunAsync(["run", runFile], folder.Path, SurveyBatch.Environment, TimeSpan.FromMinutes(5));
        var delivery = await Witness.CheckAsync(emulator, runFile, ct);
        var pass = stoppedCleanly && sentBeforeTheStop < items && again.ExitCode == 0 && delivery.ExactlyOnce && delivery.LedgerConsistent;
        Scale.Report("ledger disk full mid-run (300 KB tmpfs), then room again", items, delivery.Duplicates, delivery.Lost,
            pass ? $"pass (stopped after {sentBeforeTheStop}, exit 3)" : "FAIL");

        Assert.True(stoppedCleanly, full.AllOutput);
        Assert.True(sentBeforeTheStop < items, "the disk never filled: the scenario proves nothing");
        Assert.True(again.ExitCode == 0, again.AllOutput);
        Assert.True(delivery.ExactlyOnce, delivery.ToString());
        Assert.True(delivery.LedgerConsistent, delivery.ToString());
    }
}
