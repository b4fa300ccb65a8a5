using System.Diagnostics;
using KaizalaBatch.Emulator;
using KaizalaBatch.Tests.Postgres;

namespace KaizalaBatch.Reliability.Tests;

/// <summary>Three runners on one PostgreSQL ledger, one of them killed with SIGKILL at seeded instants and started again,
/// again and again: the claims, their leases and the reconciliation of what a dead runner left in doubt must deliver every
/// item exactly once, and the pace the runners keep together must never let the service answer 429.</summary>
public sealed class SharedCrashLoopTests
{
    private const int Runners = 3;

    [Fact]
    public async Task Every_item_arrives_exactly_once_with_three_runners_however_often_one_is_killed()
    {
        var ct = TestContext.Current.CancellationToken;
        int items = Scale.Pick(200, 2000), kills = Scale.Pick(4, 20), perMinute = Scale.Pick(1200, 3000);
        using var database = TestPostgres.CreateDatabase();
        var throttled = 0;
        // The service's limit is the run file's: only the shared pace keeps three runners under it. Latency keeps requests
        // in flight, so that kills land between "in doubt" and "sent".
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions
        {
            PerMinute = perMinute,
            TenantPerMinute = 0,
            Latency = TimeSpan.FromMilliseconds(150),
            Log = line =>
            {
                if (line.EndsWith("-> 429", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref throttled);
                }
            },
        }, ct: ct);
        using var folder = new TempFolder();
        // A 3 s client timeout gives 10 s leases: a dead runner's items are taken over 10 s after its last heartbeat.
        var runFile = SurveyBatch.Write(folder, emulator.ApiRoot, items, seed: 7, concurrency: 4, timeoutSeconds: 3,
            ledger: database.Url, perMinute: perMinute);
        var random = new Random(13);
        var runners = Enumerable.Range(0, Runners).Select(_ => Start(runFile, folder, ct)).ToList();
        var landed = 0;
        for (var kill = 0; kill < kills; kill++)
        {
            await Task.Delay(random.Next(300, 2500), ct);
            var victim = random.Next(Runners);
            if (runners.All(r => r.HasExited) && emulator.Actions.Count >= items)
            {
                break; // all delivered before every kill landed: the rest would kill nothing
            }
            if (!runners[victim].HasExited)
            {
                runners[victim].Kill(); // SIGKILL: no handler runs, nothing is flushed, its leases are left to lapse
                landed++;
            }
            await runners[victim].WaitForExitAsync(ct);
            runners[victim].Dispose();
            runners[victim] = Start(runFile, folder, ct);
        }
        using (var bound = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            bound.CancelAfter(TimeSpan.FromMinutes(5));
            await Task.WhenAll(runners.Select(r => r.WaitForExitAsync(bound.Token)));
        }
        var exits = runners.Select(r => r.ExitCode).ToList();
        runners.ForEach(r => r.Dispose());

        var final = await CliProcess.RunAsync(["run", runFile], folder.Path, SurveyBatch.Environment, TimeSpan.FromMinutes(5));
        var delivery = await Witness.CheckAsync(emulator, runFile, ct);
        var passed = delivery.ExactlyOnce && delivery.LedgerConsistent && final.ExitCode == 0 && throttled == 0;
        Scale.Report($"crash loop, {Runners} runners on PostgreSQL ({landed} SIGKILLs, {throttled} 429s)", items, delivery.Duplicates,
            delivery.Lost, passed ? "pass" : "FAIL");

        Assert.True(final.ExitCode == 0, final.AllOutput);
        Assert.True(delivery.ExactlyOnce, delivery.ToString());
        Assert.True(delivery.LedgerConsistent, delivery.ToString());
        Assert.Equal(0, throttled);
        Assert.True(landed >= Math.Min(kills, 2), $"only {landed} kills landed on a live runner");
        Assert.All(exits, code => Assert.True(code == 0, $"a runner left at the end exited {code}"));
    }

    private static Process Start(string runFile, TempFolder folder, CancellationToken ct)
    {
        var process = Process.Start(CliProcess.StartInfo(["run", runFile], folder.Path, SurveyBatch.Environment))!;
        process.StandardInput.Close();
        _ = process.StandardOutput.ReadToEndAsync(ct);
        _ = process.StandardError.ReadToEndAsync(ct);
        return process;
    }
}
