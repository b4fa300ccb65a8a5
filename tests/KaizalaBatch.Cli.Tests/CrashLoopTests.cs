using System.Diagnostics;
using KaizalaBatch.Emulator;

namespace KaizalaBatch.Cli.Tests;

/// <summary>SPEC section 2's promise under the harshest crash: a runner killed with SIGKILL again and again, at moments
/// drawn from a seed while requests are in flight, and started again each time, ends with every item delivered exactly
/// once and a ledger that says so.</summary>
public sealed class CrashLoopTests
{
    [Fact]
    public async Task A_run_killed_six_times_mid_flight_and_restarted_delivers_every_item_exactly_once()
    {
        const int Items = 150;
        const int Kills = 6;
        var random = new Random(20261123);
        Process? current = null;
        var calls = 0;
        var killAt = int.MaxValue;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new Lock();

        // The kill comes from the emulator's own log of API calls: at the drawn call number, while the answers of the
        // other requests in flight are still held back by the latency.
        void OnCall(string line)
        {
            lock (gate)
            {
                calls++;
                if (calls == killAt && current is { } process)
                {
                    process.Kill();
                    killed.TrySetResult();
                }
            }
        }

        await using var scenario = await RunScenario.StartAsync(Items,
            new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, Latency = TimeSpan.FromMilliseconds(40), Log = OnCall });
        scenario.WriteRunFile(concurrency: 4);

        var exitCodes = new List<int>();
        for (var kill = 0; kill < Kills; kill++)
        {
            using var process = scenario.Start();
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            lock (gate)
            {
                killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                killAt = calls + random.Next(8, 30);
                current = process;
            }
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(bound.Token);
            lock (gate)
            {
                current = null;
            }
            await Task.WhenAll(stdout, stderr);
            exitCodes.Add(process.ExitCode);
            Assert.True(killed.Task.IsCompleted, $"run {kill + 1} ended by itself (exit {process.ExitCode}) before its kill:\n{stdout.Result}\n{stderr.Result}");
        }
        Assert.All(exitCodes, code => Assert.Equal(137, code));
        Assert.InRange(scenario.Emulator.Actions.Count, 1, Items);

        var final = await scenario.RunAsync();
        Assert.True(final.ExitCode == 0, final.AllOutput);
        scenario.AssertEachGroupExactlyOnce($"after {Kills} kills");

        var export = await scenario.ExportJsonlAsync();
        Assert.Equal(Items, export.Count);
        Assert.All(export, row => Assert.Equal("sent", (string?)row["state"]));
        // Kills landed mid-flight: some items were found by the read-back instead of being posted again.
        Assert.Contains(export, row => (bool?)row["reconciled"] == true);
        Assert.Equal(
            scenario.Emulator.Actions.Select(a => a.ReferenceId.ToString()).Order(StringComparer.Ordinal),
            export.Select(r => (string)r["referenceId"]!).Order(StringComparer.Ordinal));

        var status = await scenario.CliAsync("status");
        Assert.Matches(@"notice\s+150\s+0\s+0\s+0\s+0\s+150", status.StdOut); // sent, failed, doubt, invalid, not started, total

        var again = await scenario.RunAsync();
        Assert.True(again.ExitCode == 0, again.AllOutput);
        Assert.Equal(Items, scenario.Emulator.Actions.Count);
    }

    [Fact]
    public async Task Items_left_in_doubt_by_a_kill_are_found_by_their_old_body_after_the_template_changed()
    {
        Process? current = null;
        var posts = 0;
        void OnCall(string line)
        {
            // The fifth answered POST: the requests behind it are stored and their answers still held.
            if (line.Contains("POST", StringComparison.Ordinal) && Interlocked.Increment(ref posts) == 5)
            {
                Volatile.Read(ref current)?.Kill();
            }
        }

        await using var scenario = await RunScenario.StartAsync(20,
            new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, Latency = TimeSpan.FromMilliseconds(300), Log = OnCall });
        using (var process = scenario.Start())
        {
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            Volatile.Write(ref current, process);
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(bound.Token);
            await Task.WhenAll(stdout, stderr);
            Assert.True(process.ExitCode == 137, stdout.Result + stderr.Result);
        }
        var inDoubt = (await scenario.ExportJsonlAsync()).Where(r => (string?)r["state"] == "in-doubt").ToList();
        Assert.NotEmpty(inDoubt);
        var storedBefore = scenario.Emulator.Actions.Count;

        scenario.WriteRunFile(title: "Corrected notice for {{ row.site }}");
        var run = await scenario.RunAsync();
        Assert.True(run.ExitCode == 0, run.AllOutput);
        scenario.AssertEachGroupExactlyOnce("after a kill and a template change");
        // What was stored before the kill keeps its old title; everything else went out with the new one.
        Assert.All(scenario.Emulator.Actions.Take(storedBefore), a => Assert.StartsWith("Notice for", (string?)a.ActionBody["title"], StringComparison.Ordinal));
        Assert.All(scenario.Emulator.Actions.Skip(storedBefore), a => Assert.StartsWith("Corrected notice for", (string?)a.ActionBody["title"], StringComparison.Ordinal));
        var export = await scenario.ExportJsonlAsync();
        Assert.Equal(inDoubt.Count, export.Count(r => (bool?)r["reconciled"] == true));

        // The plan now calls the old-bodied ones changed; --resend-changed would send them again, on purpose.
        var plan = await scenario.CliAsync("plan");
        Assert.Matches($@"notice\s+Survey\s+0\s+{20 - storedBefore}\s+{storedBefore}\s", plan.StdOut);
    }
}
