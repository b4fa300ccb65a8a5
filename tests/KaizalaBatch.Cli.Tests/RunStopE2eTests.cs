using System.Diagnostics;
using KaizalaBatch.Emulator;

namespace KaizalaBatch.Cli.Tests;

/// <summary>Runs that stop early (SPEC section 3, exit 3): a second run on a locked ledger, and Ctrl-C.</summary>
public sealed class RunStopE2eTests
{
    [Fact]
    public async Task A_second_run_on_the_same_ledger_is_refused_at_once_naming_the_holder_while_the_first_finishes()
    {
        var firstArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var scenario = await RunScenario.StartAsync(items: 30, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            Latency = TimeSpan.FromMilliseconds(100),
            Log = line =>
            {
                if (line.Contains("POST", StringComparison.Ordinal))
                {
                    firstArrived.TrySetResult();
                }
            },
        });
        scenario.WriteRunFile(concurrency: 2);

        using var first = scenario.Start();
        var firstOut = first.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var firstErr = first.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await firstArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var second = await scenario.RunAsync();
        Assert.False(first.HasExited, "the first run ended before the second was refused; the test proves nothing");
        Assert.True(second.ExitCode == 3, second.AllOutput);
        Assert.Contains($"locked by process {first.Id}", second.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second.AllOutput, StringComparison.Ordinal);

        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await first.WaitForExitAsync(bound.Token);
        Assert.True(first.ExitCode == 0, await firstOut + await firstErr);
        scenario.AssertEachGroupExactlyOnce("after a refused concurrent run");
        var export = await scenario.ExportJsonlAsync();
        Assert.Equal(30, export.Count(r => (string?)r["state"] == "sent"));
    }

    [Fact]
    public async Task Ctrl_c_mid_run_exits_3_with_the_requests_in_flight_recorded_and_a_later_run_completes_exactly_once()
    {
        var arrived = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var scenario = await RunScenario.StartAsync(items: 40, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            Latency = TimeSpan.FromMilliseconds(300),
            Log = line =>
            {
                if (line.Contains("POST", StringComparison.Ordinal) && Interlocked.Increment(ref arrived) >= 6)
                {
                    enough.TrySetResult();
                }
            },
        });
        scenario.WriteRunFile(concurrency: 4);

        using var process = scenario.Start();
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await enough.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        // Requests are in flight now: their answers are held 300 ms.
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(bound.Token);
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 3, output);
        Assert.Contains("Stopping", output, StringComparison.Ordinal);

        var stored = scenario.Emulator.Actions;
        Assert.InRange(stored.Count, 6, 39);
        var export = await scenario.ExportJsonlAsync();
        // Every request that left was answered and recorded: the ledger knows exactly what the service holds.
        Assert.DoesNotContain(export, r => (string?)r["state"] == "in-doubt");
        Assert.Equal(
            stored.Select(a => a.ReferenceId.ToString()).Order(StringComparer.Ordinal),
            export.Where(r => (string?)r["state"] == "sent").Select(r => (string)r["referenceId"]!).Order(StringComparer.Ordinal));
        Assert.Contains("not started", output, StringComparison.Ordinal);

        var rest = await scenario.RunAsync();
        Assert.True(rest.ExitCode == 0, rest.AllOutput);
        scenario.AssertEachGroupExactlyOnce("after Ctrl-C and a second run");
    }
}
