namespace KaizalaBatch.Sending.Tests;

/// <summary>A run whose perMinute is far above the service's limit learns the limit from the first 429 and keeps to it.</summary>
public sealed class PaceLearningTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_run_paced_far_above_the_service_meets_its_limit_once_and_then_keeps_to_its_rate()
    {
        const int concurrency = 4;
        // 1,800 items at 600 a minute: three of the service's windows.
        var result = await PaceScenario.RunAsync(items: 1800, servicePerMinute: 600, perMinute: 100000, concurrency,
            _dir.File("pace.ledger.db"), TestContext.Current.CancellationToken);

        Assert.Equal(1800, result.Summary.Sent);
        Assert.Equal(0, result.Duplicates);
        Assert.Equal(0, result.Lost);
        // The first 429 and those already on the wire when it came back; none after.
        Assert.True(result.Throttled is >= 1 and <= concurrency + 2, $"{result.Throttled} answers 429");
        Assert.True(result.PerMinute is >= 540 and <= 660, $"{result.PerMinute:0.#} a minute");
        Assert.True(result.Learned is >= 600 - concurrency and <= 600, $"learned {result.Learned}");
        var learned = Assert.Single(result.Warnings, w => w.Contains("limits.perMinute (100000) is above what the service allows", StringComparison.Ordinal));
        Assert.Contains($"it let {result.Learned} calls through in a minute", learned, StringComparison.Ordinal);
    }
}
