using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Sending;

/// <summary>How fast the connector may call the service (SPEC section 4).</summary>
/// <param name="PerMinute">Calls in any window of <see cref="Window"/>; 0 means unlimited.</param>
/// <param name="Concurrency">Requests in flight at most.</param>
public sealed record PacingOptions(int PerMinute = 100, int Concurrency = 4)
{
    /// <summary>The window <see cref="PerMinute"/> counts over: the service's minute plus a second, because the service counts
    /// arrivals, and network delays can bring two calls started just over a minute apart closer than a minute.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(61);
}

/// <summary>A permission to make one call: disposing it frees the concurrency slot.</summary>
public sealed class CallPermit : IDisposable
{
    private RateLimitLease? _lease;

    internal CallPermit(RateLimitLease lease, DateTimeOffset startedAt)
    {
        _lease = lease;
        StartedAt = startedAt;
    }

    /// <summary>When the call was let through; the instant the pacer counted it.</summary>
    public DateTimeOffset StartedAt { get; }

    public void Dispose() => Interlocked.Exchange(ref _lease, null)?.Dispose();
}

/// <summary>The one gate every HTTP call of a connector passes (token, media, read-back, actions):
/// at most <see cref="PacingOptions.Concurrency"/> in flight, never more than <see cref="PacingOptions.PerMinute"/> started in any
/// window (an exact sliding log of start times, so no window can exceed the limit, unlike a segmented window), and a shared pause
/// after a 429 that holds back every caller until its Retry-After has passed.</summary>
/// <remarks>The framework's rate limiters replenish on their own timers and cannot run on a <see cref="TimeProvider"/>,
/// so the window is kept here; the concurrency cap is the framework's <see cref="ConcurrencyLimiter"/>.</remarks>
public sealed class Pacer : IAsyncDisposable
{
    private readonly PacingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrencyLimiter _inFlight;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Queue<DateTimeOffset> _starts = new();
    private readonly Lock _pauseLock = new();
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;

    public Pacer(PacingOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.PerMinute);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1);
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _inFlight = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Concurrency,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public PacingOptions Options => _options;

    /// <summary>Until when a 429 holds every call back.</summary>
    public DateTimeOffset PausedUntil
    {
        get
        {
            lock (_pauseLock)
            {
                return _pausedUntil;
            }
        }
    }

    /// <summary>Holds back every later call until <paramref name="retryAfter"/> from now (a 429's Retry-After).</summary>
    public void Pause(TimeSpan retryAfter)
    {
        var until = _time.GetUtcNow() + retryAfter;
        lock (_pauseLock)
        {
            if (until <= _pausedUntil)
            {
                return;
            }
            _pausedUntil = until;
        }
        _logger.LogWarning("The service throttled the connector; every call waits {RetryAfterSeconds} s", retryAfter.TotalSeconds);
    }

    /// <summary>Waits for a concurrency slot, the end of any 429 pause and room in the window; the call may start when this returns.</summary>
    public async ValueTask<CallPermit> AcquireAsync(CancellationToken cancellationToken)
    {
        var lease = await _inFlight.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new InvalidOperationException("The pacer is disposed.");
        }
        try
        {
            var startedAt = await TakeTurnAsync(cancellationToken).ConfigureAwait(false);
            return new CallPermit(lease, startedAt);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    private async ValueTask<DateTimeOffset> TakeTurnAsync(CancellationToken cancellationToken)
    {
        // One caller at a time looks at the window, so callers are let through in arrival order.
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var now = _time.GetUtcNow();
                var pausedUntil = PausedUntil;
                if (pausedUntil > now)
                {
                    await Task.Delay(pausedUntil - now, _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                if (_options.PerMinute == 0)
                {
                    return now;
                }
                while (_starts.Count > 0 && _starts.Peek() < now - _options.Window)
                {
                    _starts.Dequeue();
                }
                if (_starts.Count < _options.PerMinute)
                {
                    _starts.Enqueue(now);
                    return now;
                }
                // The oldest start leaves the window (start + window, exclusive) just after this.
                var wait = _starts.Peek() + _options.Window - now + TimeSpan.FromMilliseconds(1);
                if (wait >= TimeSpan.FromSeconds(1))
                {
                    // Otherwise a run at its limit looks hung: nothing moves until the window has room.
                    _logger.LogInformation("{PerMinute} calls in the last minute (limits.perMinute); the next call waits {WaitSeconds:0} s",
                        _options.PerMinute, wait.TotalSeconds);
                }
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _inFlight.DisposeAsync().ConfigureAwait(false);
        _turn.Dispose();
    }
}
