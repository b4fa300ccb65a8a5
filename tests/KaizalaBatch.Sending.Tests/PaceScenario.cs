using KaizalaBatch.Api;
using KaizalaBatch.Emulator;
using KaizalaBatch.Ledger;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Sending.Tests;

/// <summary><c>perMinute</c> set far above the service's limit: one batch over several of the service's windows, with the
/// emulator (over real loopback HTTP), the pacer, the client and the ledger on one fake clock. Also the reliability
/// suite's "learned pace" scenario, at a larger size.</summary>
public static class PaceScenario
{
    /// <param name="Throttled">Calls the emulator answered 429, in the whole run.</param>
    /// <param name="PerMinute">Actions accepted per minute, from the first to the last (the emulator's clock).</param>
    /// <param name="Warnings">The pacer's and the runner's warnings.</param>
    public sealed record Result(RunSummary Summary, int Throttled, double PerMinute, int Duplicates, int Lost, int? Learned,
        IReadOnlyList<string> Warnings);

    public static async Task<Result> RunAsync(int items, int servicePerMinute, int perMinute, int concurrency, string ledgerPath,
        CancellationToken ct)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var throttled = 0;
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions
        {
            PerMinute = servicePerMinute,
            TenantPerMinute = 0,
            Time = time,
            Log = line =>
            {
                if (line.EndsWith("-> 429", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref throttled);
                }
            },
        }, ct: ct);
        var logger = new ListLogger();
        await using var pacer = new Pacer(new PacingOptions(perMinute, concurrency), time, logger);
        // The fake clock moves on while a request travels: no client timeout may fire for that.
        var options = new KaizalaClientOptions(emulator.ApiRoot, Connection.AppId, new Secret(Connection.AppSecret), new Secret(Connection.RefreshToken))
        {
            Timeout = TimeSpan.FromHours(1),
        };
        using var client = new KaizalaClient(options, pacer, time, logger);
        using var ledger = Ledgers.Open(ledgerPath, LedgerMode.ReadWrite, time);
        var batch = Enumerable.Range(0, items)
            .Select(i => Items.Survey("survey", Items.NewGroup(), $"Check {i}")).ToList();
        var runner = new BatchRunner(client, ledger, new BatchOptions(MaxAttempts: 10, Concurrency: concurrency) { JitterSeed = 1 }, time, logger);

        var run = runner.RunAsync(Planned.Against(ledger, batch), null, items, ct, ct);
        // Time moves in steps shorter than any spacing the pacer may learn here (600 a minute: 100 ms).
        Clocks.Drive(run, emulator, time, TimeSpan.FromHours(2));
        var summary = await run;

        var accepted = emulator.Actions.OrderBy(a => a.CreatedAt).ToList();
        var rate = accepted.Count < 2 ? 0 : (accepted.Count - 1) / (accepted[^1].CreatedAt - accepted[0].CreatedAt).TotalMinutes;
        var perGroup = accepted.GroupBy(a => a.GroupId).ToDictionary(g => g.Key, g => g.Count());
        var lost = batch.Count(i => !perGroup.ContainsKey(Guid.Parse(i.GroupId)));
        var warnings = logger.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal)).ToList();
        return new Result(summary, throttled, rate, perGroup.Values.Sum(n => n - 1), lost, pacer.LearnedPerMinute, warnings);
    }
}
