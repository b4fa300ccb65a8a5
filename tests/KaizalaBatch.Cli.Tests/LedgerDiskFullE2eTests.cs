namespace KaizalaBatch.Cli.Tests;

/// <summary>The ledger's disk fills during a run (a real 300 KB filesystem): the run stops cleanly with exit 3 and one
/// message, no request leaves without its durable in-doubt mark, and a run with space again completes every item once.</summary>
public sealed class LedgerDiskFullE2eTests
{
    [Fact]
    public async Task A_full_disk_stops_the_run_with_exit_3_and_one_message_and_the_next_run_completes_every_item_once()
    {
        const int items = 400, concurrency = 4;
        await using var scenario = await RunScenario.StartAsync(items);
        using var disk = SmallDisk.Mount(Path.Combine(scenario.Folder.Path, "disk"), kilobytes: 300);
        scenario.WriteRunFile(perMinute: 100000, concurrency: concurrency, ledger: "disk/e2e.ledger.db");
        var ledger = Path.Combine(disk.Path, "e2e.ledger.db");

        var full = await scenario.RunAsync();
        Assert.True(full.ExitCode == 3, full.AllOutput);
        Assert.Equal(1, Occurrences(full.StdErr, "cannot be written"));
        Assert.Contains($"run stopped: the ledger {ledger} cannot be written: the disk is full. Free space on that disk, then run again",
            full.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", full.AllOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("SqliteException", full.AllOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", full.AllOutput, StringComparison.Ordinal);

        // The emulator is the witness: every Action it holds belongs to an item the ledger marked before sending (the
        // request whose mark failed never left, nor did any later one); only those already on the wire when the disk
        // filled may lack their "sent" (they stay in doubt): at most one per worker. All four when the write that found the
        // disk full was an outcome (a "sent" after its request left), not an in-doubt mark (whose request then never left).
        var sentBefore = scenario.Emulator.Actions.Count;
        Assert.InRange(sentBefore, 1, items - 1);
        var rows = (await scenario.ExportJsonlAsync()).ToDictionary(r => Guid.Parse((string)r["groupId"]!), r => (string)r["state"]!);
        var unmarked = scenario.Emulator.Actions.Where(a => rows.GetValueOrDefault(a.GroupId) is not ("sent" or "in-doubt")).ToList();
        Assert.True(unmarked.Count == 0, $"{unmarked.Count} Actions left without an in-doubt mark in the ledger");
        var unrecorded = scenario.Emulator.Actions.Count(a => rows[a.GroupId] != "sent");
        Assert.InRange(unrecorded, 0, concurrency);

        disk.Grow(kilobytes: 64 * 1024);
        var again = await scenario.RunAsync();
        Assert.True(again.ExitCode == 0, again.AllOutput);
        scenario.AssertEachGroupExactlyOnce("after a run stopped by a full disk and one with space again");
        var export = await scenario.ExportJsonlAsync();
        Assert.Equal(items, export.Count(r => (string?)r["state"] == "sent"));
    }

    private static int Occurrences(string text, string fragment)
    {
        var count = 0;
        for (var at = text.IndexOf(fragment, StringComparison.Ordinal); at >= 0; at = text.IndexOf(fragment, at + 1, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
