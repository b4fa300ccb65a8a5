using System.Diagnostics;
using KaizalaBatch.Emulator;

namespace KaizalaBatch.Reliability.Tests;

/// <summary>The runner killed with SIGKILL at seeded random instants and started again each time: the ledger's
/// write-before-send and the reconciliation of in-doubt items must deliver every item exactly once.</summary>
public sealed class CrashLoopTests
{
    [Fact]
    public async Task Every_item_arrives_exactly_once_however_often_the_runner_is_killed()
    {
        var ct = TestContext.Current.CancellationToken;
        int items = Scale.Pick(200, 2000), kills = Scale.Pick(4, 20);
        // A little latency keeps requests in flight, so that kills land between "in doubt" and "sent".
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions
        {
            PerMinute = 0, TenantPerMinute = 0, Latency = TimeSpan.FromMilliseconds(10),
        }, ct: ct);
        using var folder = new TempFolder();
        var runFile = SurveyBatch.Write(folder, emulator.ApiRoot, items, seed: 5);
        var random = new Random(20);
        var killedWhileSending = 0;
        for (var kill = 0; kill < kills; kill++)
        {
            var before = emulator.Actions.Count;
            using var process = Process.Start(CliProcess.StartInfo(["run", runFile], folder.Path, SurveyBatch.Environment))!;
            process.StandardInput.Close();
            _ = process.StandardOutput.ReadToEndAsync(ct);
            _ = process.StandardError.ReadToEndAsync(ct);
            // Every fourth kill at an instant from the start (startup, planning, the ledger's first writes); the others
            // once sending is under way, at a random instant within what is left to send.
            if (kill % 4 != 0)
            {
                while (emulator.Actions.Count == before && !process.HasExited)
                {
                    await Task.Delay(2, ct);
                }
            }
            var remaining = Math.Max(items - emulator.Actions.Count, 8);
            await Task.Delay(kill % 4 == 0 ? random.Next(50, 1500) : random.Next(0, remaining * 10 / 8 / 2 + 1), ct);
            process.Kill(); // SIGKILL: no handler runs, nothing is flushed
            await process.WaitForExitAsync(ct);
            if (emulator.Actions.Count > before)
            {
                killedWhileSending++;
            }
        }

        var final = await CliProcess.RunAsync(["run", runFile], folder.Path, SurveyBatch.Environment, TimeSpan.FromMinutes(5));
        var delivery = await Witness.CheckAsync(emulator, runFile, ct);
        Scale.Report($"crash loop ({kills} SIGKILLs)", items, delivery.Duplicates, delivery.Lost,
            delivery.ExactlyOnce && delivery.LedgerConsistent && final.ExitCode == 0 ? "pass" : "FAIL");

        Assert.True(final.ExitCode == 0, final.AllOutput);
        Assert.True(delivery.ExactlyOnce, delivery.ToString());
        Assert.True(delivery.LedgerConsistent, delivery.ToString());
        Assert.True(killedWhileSending > 0, "no kill landed while items were being sent: the instants are too early");
    }
}
