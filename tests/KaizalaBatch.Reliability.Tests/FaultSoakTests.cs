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

    /// <summary>The same faults on a type the service cannot list: a lost answer is never posted again; the run holds it in
    /// doubt and exits 1, and the operator, having looked at the groups (here: the emulator, the witness), settles each with
    /// <c>resolve --as sent|not-sent</c>; the next run sends the not-sent ones. Nothing arrives twice, nothing is lost.</summary>
    [Fact]
    public async Task Lost_answers_of_an_unlisted_type_are_held_then_resolved_and_nothing_arrives_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        var items = Scale.Pick(200, 2000);
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions
        {
            PerMinute = 0, TenantPerMinute = 0, Seed = 9,
            Fault5xx = 0.05, FaultReset = 0.05, FaultAcceptDrop = 0.05,
            FaultSlow = 0.02, SlowDelay = TimeSpan.FromSeconds(2.5),
        }, ct: ct);
        using var folder = new TempFolder();
        var runFile = SurveyBatch.Write(folder, emulator.ApiRoot, items, seed: 13, concurrency: 8, maxAttempts: 20, timeoutSeconds: 1, announcement: true);
        SurveyBatch.ExportEnvironment();

        var exits = new List<int>();
        var output = new StringWriter();
        var held = 0;
        var duplicatesBeforeResolve = 0;
        for (var round = 0; round < 8 && exits.LastOrDefault(-1) != 0; round++)
        {
            exits.Add(await CliApp.RunAsync(["run", runFile], output, output, ct));
            duplicatesBeforeResolve = Math.Max(duplicatesBeforeResolve, emulator.Actions.GroupBy(a => a.GroupId).Sum(g => g.Count() - 1));
            foreach (var (key, groupId) in await InDoubtAsync(runFile, ct))
            {
                held++;
                var there = emulator.Actions.Any(a => a.GroupId == Guid.Parse(groupId));
                Assert.Equal(0, await CliApp.RunAsync(["resolve", runFile, "--as", there ? "sent" : "not-sent", "--key", key], output, output, ct));
            }
        }
        var delivery = await Witness.CheckAsync(emulator, runFile, ct);
        Scale.Report($"fault soak, unlisted type, held + resolve ({exits.Count} runs)", items, delivery.Duplicates, delivery.Lost,
            delivery.ExactlyOnce && delivery.LedgerConsistent && duplicatesBeforeResolve == 0 && held > 0 ? "pass" : "FAIL", held);

        Assert.True(exits[^1] == 0, $"exits {string.Join(",", exits)}\n{output}");
        Assert.True(held > 0, "no answer was lost: the faults did not bite");
        Assert.Equal(0, duplicatesBeforeResolve);
        Assert.True(delivery.ExactlyOnce, delivery.ToString());
        Assert.True(delivery.LedgerConsistent, delivery.ToString());
    }

    private static async Task<List<(string Key, string GroupId)>> InDoubtAsync(string runFile, CancellationToken ct)
    {
        var export = Path.Combine(Path.GetDirectoryName(runFile)!, "in-doubt.jsonl");
        var messages = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["export", runFile, "--format", "jsonl", "--out", export], messages, messages, ct));
        return File.ReadLines(export).Where(l => l.Length > 0)
            .Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!)
            .Where(r => (string?)r["state"] == "in-doubt")
            .Select(r => ((string)r["key"]!, (string)r["groupId"]!))
            .ToList();
    }
}
