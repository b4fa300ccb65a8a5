using KaizalaBatch.Api;
using Polly;
using Polly.Retry;

namespace KaizalaBatch.Sending;

/// <summary>An item's attempts: the first runs directly, later ones through the retry pipeline (exponential backoff with
/// jitter, up to maxAttempts).</summary>
internal sealed partial class ItemSender
{
    /// <summary>What one attempt came to: done (with a final result) or a transient outcome worth another attempt.</summary>
    private sealed record Attempt(ItemResult? Done, Transient? Retry);

    /// <summary>Runs <paramref name="attempt"/> until it is done or the attempts run out. Most items succeed at the first
    /// attempt, which runs directly. Only a transient outcome enters the retry pipeline, whose first attempt gives that
    /// outcome back as it is: its waits, jitter and count of attempts are those of a pipeline that had run the first attempt
    /// itself (Polly's state machine around an attempt that needed none was a tenth of a run's CPU, bench/README.md).</summary>
    private async Task<Attempt> AttemptsAsync(Func<ValueTask<Attempt>> attempt, CancellationToken stop)
    {
        // As the pipeline does before any attempt: a run stopped already starts none (not even an in-doubt item's read-back).
        stop.ThrowIfCancellationRequested();
        var first = await attempt().ConfigureAwait(false);
        if (first.Retry is null)
        {
            return first;
        }
        Attempt? replay = first;
        return await _retry.ExecuteAsync(async _ =>
        {
            if (replay is { } again)
            {
                replay = null;
                return again;
            }
            return await attempt().ConfigureAwait(false);
        }, stop).ConfigureAwait(false);
    }

    /// <summary>Exponential backoff with (seedable) jitter up to maxAttempts.</summary>
    private sealed class Backoff(BatchOptions options)
    {
        private readonly Lock _gate = new();
        private readonly Random _random = options.JitterSeed is { } seed ? new Random(seed) : new Random();

        private double Jitter()
        {
            lock (_gate)
            {
                return _random.NextDouble();
            }
        }

        public RetryStrategyOptions<T> For<T>(Func<Outcome<T>, bool> retry) => new()
        {
            MaxRetryAttempts = options.MaxAttempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryDelay,
            MaxDelay = options.MaxRetryDelay,
            Randomizer = Jitter,
            ShouldHandle = args => ValueTask.FromResult(retry(args.Outcome)),
        };

        public RetryStrategyOptions<Attempt> ForAttempts()
        {
            var attempts = For<Attempt>(outcome => outcome.Result is { Retry: not null });
            // After a 429 the pacer already holds every call back for Retry-After; no extra wait on top.
            attempts.DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                args.Outcome.Result?.Retry?.Kind == TransientKind.Throttled ? TimeSpan.Zero : null);
            return attempts;
        }
    }
}
