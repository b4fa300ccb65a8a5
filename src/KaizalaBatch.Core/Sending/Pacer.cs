using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Sending;

/// <summary>How fast the connector may call the service (SPEC section 4).</summary>
/// <param name="PerMinute">Calls in any window of <see cref="Window"/>; 0 means unlimited.</param>
/// <param name="Concurrency">Requests in flight at most.</param>
public sealed record PacingOptions(int PerMinute = 100, int Concurrency = 4)
{
    /// <summary>The window <see cref="PerMinute"/> counts over: the service's minute. It is counted from when each call's
    /// answer came (or it gave up), not from when it started: the service counted the call on arrival, at some instant
    /// between the two, so a call started a window after the answer of the oldest call in the window can never meet it in
    /// the service's window, whatever the network delays. (A fixed margin on start times instead, say 61 s, capped a
    /// long run at 98.4% of the limit and was still not safe against a delay of more than its second.)</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>A permission to make one call: disposing it frees the concurrency slot.</summary>
public sealed class CallPermit : IDisposable
{
    private RateLimitLease? _lease;
    private readonly Action? _ended;

    internal CallPermit(RateLimitLease lease, DateTimeOffset startedAt, Action? ended)
    {
        _lease = lease;
        StartedAt = startedAt;
        _ended = ended;
    }

    /// <summary>When the call was let through; the instant the pacer counted it.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The call is over (answered, failed or given up): its place in the window now runs out a window from now.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _lease, null) is { } lease)
        {
            _ended?.Invoke();
            lease.Dispose();
        }
    }
}

/// <summary>The one gate every HTTP call of a connector passes (token, media, read-back, actions):
/// at most <see cref="PacingOptions.Concurrency"/> in flight, never more than <see cref="PacingOptions.PerMinute"/> in any
/// window (an exact sliding log of calls, each counted until a window after its answer, so no window of the service's can
/// exceed the limit, unlike a segmented window), and a shared pause after a 429 that holds back every caller until its
/// Retry-After has passed.</summary>
/// <remarks>The framework's rate limiters replenish on their own timers and cannot run on a <see cref="TimeProvider"/>,
/// so the window is kept here; the concurrency cap is the framework's <see cref="ConcurrencyLimiter"/>.</remarks>
public sealed class Pacer : IAsyncDisposable
{
    private readonly PacingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrencyLimiter _inFlight;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Queue<CallRecord> _calls = new();
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
            var (startedAt, record) = await TakeTurnAsync(cancellationToken).ConfigureAwait(false);
            return new CallPermit(lease, startedAt, record is null ? null : () => record.End(_time.GetUtcNow()));
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    private async ValueTask<(DateTimeOffset StartedAt, CallRecord? Record)> TakeTurnAsync(CancellationToken cancellationToken)
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
                    return (now, null);
                }
                while (_calls.Count > 0 && _calls.Peek().EndedAt is { } ended && ended < now - _options.Window)
                {
                    _calls.Dequeue();
                }
                if (_calls.Count < _options.PerMinute)
                {
                    var record = new CallRecord();
                    _calls.Enqueue(record);
                    return (now, record);
                }
                var oldest = _calls.Peek();
                if (oldest.EndedAt is { } end)
                {
                    // The oldest call leaves the window (its answer + window, exclusive) just after this.
                    var wait = end + _options.Window - now + TimeSpan.FromMilliseconds(1);
                    if (wait >= TimeSpan.FromSeconds(1))
                    {
                        // Otherwise a run at its limit looks hung: nothing moves until the window has room.
                        _logger.LogInformation("{PerMinute} calls in the last minute (limits.perMinute); the next call waits {WaitSeconds:0} s",
                            _options.PerMinute, wait.TotalSeconds);
                    }
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // Still in flight: its window has not begun to run out.
                    await oldest.Ended.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>One call in the window: it counts until a window after it ended.</summary>
    private sealed class CallRecord
    {
        private readonly TaskCompletionSource<DateTimeOffset> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Ended => _ended.Task;

        public DateTimeOffset? EndedAt => _ended.Task.IsCompleted ? _ended.Task.Result : null;

        public void End(DateTimeOffset at) => _ended.TrySetResult(at);
    }

    public async ValueTask DisposeAsync()
    {
        await _inFlight.DisposeAsync().ConfigureAwait(false);
        _turn.Dispose();
    }
}
