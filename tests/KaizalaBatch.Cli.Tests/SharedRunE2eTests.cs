using System.Diagnostics;
using System.Text.RegularExpressions;
using KaizalaBatch.Emulator;
using KaizalaBatch.Tests.Postgres;

namespace KaizalaBatch.Cli.Tests;

/// <summary>Issue 13: runners started with the same run file and the same PostgreSQL ledger share the work. Three real
/// processes, one killed with SIGKILL while its requests are on the wire and started again: every item is delivered exactly
/// once (the emulator as witness), no call is answered 429 (the pace is kept across the runners), and what the dead runner
/// left in doubt is reconciled by a live one once its lease lapses, never posted again.</summary>
public sealed partial class SharedRunE2eTests
{
    [Fact]
    public async Task Three_runners_one_killed_mid_flight_and_restarted_deliver_every_item_exactly_once_without_a_429()
    {
        const int Items = 150;
        using var database = TestPostgres.CreateDatabase();
        var throttled = 0;
        var posts = 0;
        Process? victim = null;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The kill comes from the emulator's log: at the 40th POST, when every runner has requests whose answers the
        // latency still holds back.
        void OnCall(string line)
        {
            if (line.EndsWith("-> 429", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref throttled);
            }
            if (line.Contains(" POST ", StringComparison.Ordinal) && Interlocked.Increment(ref posts) == 40 && Volatile.Read(ref victim) is { } process)
            {
                process.Kill();
                killed.TrySetResult();
            }
        }

        await using var scenario = await RunScenario.StartAsync(Items,
            new EmulatorOptions { PerMinute = 600, TenantPerMinute = 0, Latency = TimeSpan.FromMilliseconds(1500), Log = OnCall });
        // Three seconds of client timeout: a lease of ten seconds (twice the timeout, at least ten).
        scenario.WriteRunFile(perMinute: 600, concurrency: 4, timeoutSeconds: 3, ledger: database.Url);

        var runners = Enumerable.Range(0, 3).Select(_ => Started(scenario)).ToList();
        var killedPid = runners[0].Process.Id;
        Volatile.Write(ref victim, runners[0].Process);
        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await killed.Task.WaitAsync(bound.Token);
        }
        var first = await runners[0].EndAsync();
        Assert.True(first.ExitCode == 137, first.AllOutput);
        var restarted = Started(scenario);
        var results = await Task.WhenAll(runners.Skip(1).Append(restarted).Select(r => r.EndAsync()));
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.AllOutput));

        scenario.AssertEachGroupExactlyOnce("by three runners, one killed and restarted");
        Assert.Equal(0, throttled);
        var export = await scenario.ExportJsonlAsync();
        Assert.Equal(Items, export.Count);
        Assert.All(export, row => Assert.Equal("sent", (string?)row["state"]));
        // The killed runner's requests on the wire were found by the read-back of the runner that took them over.
        Assert.Contains(export, row => (bool?)row["reconciled"] == true);
        Assert.Contains(results, r => r.AllOutput.Contains("stopped renewing its lease", StringComparison.Ordinal));
        // The work was shared: each runner that ran from the start sent part of it.
        Assert.All(results.Take(2), r => Assert.True(Sent(r.StdOut) > 0, r.StdOut));

        // No secret reached the database: not the connection's, not an access token the service handed out.
        var stored = database.Dump();
        Assert.NotEmpty(scenario.Emulator.IssuedSecrets);
        foreach (var secret in scenario.Emulator.IssuedSecrets.Append(RunScenario.ApplicationSecret).Append(RunScenario.RefreshToken))
        {
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        }

        // status shows the runners: the dead one never left, so its row stays with its last heartbeat and nothing held.
        var status = await scenario.CliAsync("status");
        Assert.True(status.ExitCode == 0, status.AllOutput);
        Assert.Matches(@"notice\s+150\s+0\s+0\s+0\s+0\s+150", status.StdOut); // sent, failed, doubt, invalid, not started, total
        Assert.Contains("runners", status.StdOut, StringComparison.Ordinal);
        Assert.Matches($@"\s{killedPid}\s+\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d \(\d+ s ago\)\s+0", status.StdOut);
    }

    /// <summary>The items the run summary says this runner sent (0 when it printed none).</summary>
    private static int Sent(string stdout)
    {
        var row = SummaryRow().Match(stdout);
        return row.Success ? int.Parse(row.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"notice\s+(\d+)\s+\d+\s+\d+\s+\d+")]
    private static partial Regex SummaryRow();

    private static Runner Started(RunScenario scenario) => new(scenario.Start());

    /// <summary>A runner process whose output is read while it runs.</summary>
    private sealed class Runner(Process process)
    {
        private readonly Task<string> _stdout = process.StandardOutput.ReadToEndAsync();
        private readonly Task<string> _stderr = process.StandardError.ReadToEndAsync();

        public Process Process { get; } = process;

        public async Task<CliResult> EndAsync()
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await Process.WaitForExitAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                Process.Kill(entireProcessTree: true);
                throw new TimeoutException($"a runner did not finish in time:\n{await _stdout}\n{await _stderr}");
            }
            var result = new CliResult(Process.ExitCode, await _stdout, await _stderr);
            Process.Dispose();
            return result;
        }
    }
}
