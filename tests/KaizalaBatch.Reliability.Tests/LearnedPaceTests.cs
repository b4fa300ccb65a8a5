using System.Globalization;
using KaizalaBatch.Sending.Tests;

namespace KaizalaBatch.Reliability.Tests;

/// <summary><c>perMinute: 1000000</c> against a service that allows far fewer calls: the run meets the limit once, learns
/// it, and keeps to it for windows on end (one fake clock for the emulator over loopback, the client and the ledger).</summary>
public sealed class LearnedPaceTests
{
    [Fact]
    public async Task A_run_paced_far_above_the_service_meets_its_limit_once_and_keeps_to_its_rate()
    {
        const int concurrency = 8;
        int items = Scale.Pick(250, 6000), service = Scale.Pick(100, 600);
        using var folder = new Cli.Tests.TempFolder();
        var result = await PaceScenario.RunAsync(items, service, perMinute: 1_000_000, concurrency,
            Path.Combine(folder.Path, "pace.ledger.db"), TestContext.Current.CancellationToken);

        var pass = result.Summary.Sent == items && result.Throttled <= concurrency + 2
            && result.PerMinute >= service * 0.9 && result.PerMinute <= service * 1.1;
        Scale.Report($"perMinute 1000000, service allows {service}/min (learned pace)", items, result.Duplicates, result.Lost,
            string.Create(CultureInfo.InvariantCulture, $"{(pass ? "pass" : "FAIL")} ({result.Throttled} x 429, {result.PerMinute:0}/min)"));

        Assert.True(pass, $"sent {result.Summary.Sent} of {items}, {result.Throttled} answers 429, {result.PerMinute:0.#} a minute");
        Assert.Equal(0, result.Duplicates);
        Assert.Equal(0, result.Lost);
    }
}
