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
        // The first run must outlast the second's start: 60 items at 300 ms, two at a time, take about 9 s (a process
        // start took 4 s on a loaded two-core machine, more than the 1.5 s the first run took with 30 items at 100 ms).
        await using var scenario = await RunScenario.StartAsync(items: 60, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            Latency = TimeSpan.FromMilliseconds(300), // the first run lasts several seconds, even on a loaded machine
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
        Assert.Equal(60, export.Count(r => (string?)r["state"] == "sent"));
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

    [Fact]
    public async Task A_second_ctrl_c_aborts_the_requests_in_flight_leaving_them_in_doubt_and_the_next_run_reconciles_them()
    {
        await using var scenario = await RunScenario.StartAsync(items: 20, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            Latency = TimeSpan.FromSeconds(3),
        });
        scenario.WriteRunFile(concurrency: 4);

        using var process = scenario.Start();
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = new System.Text.StringBuilder();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
            {
                lock (stderr)
                {
                    stderr.AppendLine(line);
                }
                if (line.Contains("Stopping:", StringComparison.Ordinal))
                {
                    stopping.TrySetResult();
                }
            }
        }, TestContext.Current.CancellationToken);

        // Four POSTs have been stored by the service; their answers are held for 3 s.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (scenario.Emulator.Actions.Count < 4 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        Assert.Equal(4, scenario.Emulator.Actions.Count);
        await Interrupt(process.Id);
        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await Interrupt(process.Id);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(bound.Token);
        await reader;
        var output = await stdout + stderr;
        Assert.True(process.ExitCode == 3, output);
        Assert.Contains("Aborting", output, StringComparison.Ordinal);

        var export = await scenario.ExportJsonlAsync();
        var inDoubt = export.Where(r => (string?)r["state"] == "in-doubt").Select(r => (string)r["groupId"]!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(scenario.Emulator.Actions.Select(a => a.GroupId.ToString()).Order(StringComparer.Ordinal), inDoubt);

        var next = await scenario.RunAsync();
        Assert.True(next.ExitCode == 0, next.AllOutput);
        scenario.AssertEachGroupExactlyOnce("after an abort and a reconciling run");
        var after = await scenario.ExportJsonlAsync();
        Assert.Equal(inDoubt, after.Where(r => (bool?)r["reconciled"] == true).Select(r => (string)r["groupId"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Max_errors_stops_the_run_with_exit_3_and_max_errors_0_on_the_command_line_lifts_it()
    {
        await using var scenario = await RunScenario.StartAsync(items: 10, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            KnownGroups = new HashSet<Guid>(),
        });
        scenario.WriteRunFile(concurrency: 1, maxErrors: 3);

        var stopped = await scenario.RunAsync();
        Assert.True(stopped.ExitCode == 3, stopped.AllOutput);
        Assert.Contains("maxErrors 3", stopped.StdErr, StringComparison.Ordinal);
        Assert.Contains("7 items were not started", stopped.StdOut, StringComparison.Ordinal);
        Assert.Equal(3, (await scenario.ExportJsonlAsync()).Count(r => (string?)r["state"] == "failed"));

        var all = await scenario.RunAsync("--max-errors", "0");
        Assert.True(all.ExitCode == 1, all.AllOutput);
        Assert.Equal(10, (await scenario.ExportJsonlAsync()).Count(r => (string?)r["state"] == "failed"));
        Assert.Empty(scenario.Emulator.Actions);
    }

    [Fact]
    public async Task Items_waiting_for_the_pacer_when_a_double_ctrl_c_aborts_are_not_started_not_in_doubt()
    {
        var answered = 0;
        var atLimit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var scenario = await RunScenario.StartAsync(items: 8, new EmulatorOptions
        {
            PerMinute = 0,
            TenantPerMinute = 0,
            Log = line =>
            {
                if (line.Contains("POST", StringComparison.Ordinal) && Interlocked.Increment(ref answered) == 4)
                {
                    atLimit.TrySetResult();
                }
            },
        });
        // Token + 4 posts fill the minute: the other 4 items wait about a minute for the pacer.
        scenario.WriteRunFile(perMinute: 5);

        using var process = scenario.Start();
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await atLimit.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await Interrupt(process.Id);
        await Interrupt(process.Id);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(bound.Token);
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 3, output);
        Assert.Equal(4, scenario.Emulator.Actions.Count);
        var row = (await stdout).Split('\n').Single(l => l.TrimStart().StartsWith("notice ", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
        Assert.Equal(["4", "0", "0", "0", "0", "0", "0", "4"], row); // four left for the next run
        Assert.Contains("4 items were not started", output, StringComparison.Ordinal);
        var export = await scenario.ExportJsonlAsync();
        Assert.Equal(4, export.Count);
        Assert.All(export, r => Assert.Equal("sent", (string?)r["state"]));

        var rest = await scenario.RunAsync();
        Assert.True(rest.ExitCode == 0, rest.AllOutput);
        scenario.AssertEachGroupExactlyOnce("after a double Ctrl-C at the pacer");
    }

    private static async Task Interrupt(int processId)
    {
        using var kill = Process.Start("kill", ["-INT", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }
}
