using System.Threading.RateLimiting;
using KaizalaBatch.Api;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Sending;

/// <summary>The one gate every HTTP call of a connector passes (token, media, read-back, actions):
/// at most <see cref="PacingOptions.Concurrency"/> in flight, never more than <see cref="PacingOptions.PerMinute"/> in any
/// window (an exact sliding log of calls, each counted until a window after its answer, so no window of the service's can
/// exceed the limit, unlike a segmented window), and a shared pause after a 429 that holds back every caller until its
/// Retry-After has passed.
/// <para>A 429 is evidence of the service's real limit. At the first one, the pacer counts the calls the service let
/// through in its window (answered, not refused) and, when that is below its own limit, keeps it as its pace for the rest
/// of its life, its calls spread evenly over the window; it says so once (a warning). So a run whose
/// <see cref="PacingOptions.PerMinute"/> is set too high meets the service's limit once, with the requests then on the
/// wire, and never again. It learns nothing from a 429 whose Retry-After shows calls not its own in the service's window
/// (another run a moment ago): the service's oldest call then leaves that window before the pacer's oldest does.</para></summary>
/// <remarks>The framework's rate limiters replenish on their own timers and cannot run on a <see cref="TimeProvider"/>,
/// so the window is kept here; the concurrency cap is the framework's <see cref="ConcurrencyLimiter"/>.</remarks>
public sealed partial class Pacer : ICallGate, IPaceView, IAsyncDisposable
{
    private readonly PacingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrencyLimiter _inFlight;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Lock _windowLock = new();
    private readonly Queue<CallRecord> _calls = new(); // under _windowLock
    private readonly Lock _pauseLock = new();
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;
    private int? _learned; // under _windowLock, like the next two
    private TimeSpan _spacing;
    private DateTimeOffset _nextSlot = DateTimeOffset.MinValue;
    private DateTimeOffset? _waitingUntil; // under _windowLock: the turn-taker is waiting for room in the window

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

    int ICallGate.Concurrency => _options.Concurrency;

    /// <summary>The service's pace as measured at its first 429 (calls in a window), when lower than
    /// <see cref="PacingOptions.PerMinute"/>; null until then.</summary>
    public int? LearnedPerMinute
    {
        get
        {
            lock (_windowLock)
            {
                return _learned;
            }
        }
    }

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
        _logger.LogWarning("The service throttled {Subject}; every call of it waits {RetryAfterSeconds} s", _options.Subject, retryAfter.TotalSeconds);
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
            return new CallPermit(lease, startedAt, () => record.End(_time.GetUtcNow()), retryAfter => Throttled(record, retryAfter), () => Refused(record));
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    // The client sees only the gate; the pacer's own callers keep the concrete permit (its StartedAt).
    async ValueTask<ICallPermit> ICallGate.AcquireAsync(CancellationToken cancellationToken) =>
        await AcquireAsync(cancellationToken).ConfigureAwait(false);

    private async ValueTask<(DateTimeOffset StartedAt, CallRecord Record)> TakeTurnAsync(CancellationToken cancellationToken)
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
                var (wait, oldestInFlight, limit) = NextTurn(now, out var record);
                if (record is not null)
                {
                    return (now, record);
                }
                if (wait is { } delay)
                {
                    if (delay >= TimeSpan.FromSeconds(1))
                    {
                        // Otherwise a run at its limit looks hung: nothing moves until the window has room.
                        _logger.LogInformation("{PerMinute} calls in the last minute ({Pace}); the next call waits {WaitSeconds:0} s",
                            limit, LearnedPerMinute is null ? "limits.perMinute" : "the pace the service allows", delay.TotalSeconds);
                    }
                    SetWaiting(now + delay);
                    try
                    {
                        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        SetWaiting(null);
                    }
                }
                else
                {
                    // Still in flight: its window has not begun to run out.
                    await oldestInFlight!.Ended.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Lets a call through now (<paramref name="record"/> set), or says what to wait for: a delay, or the end of
    /// the oldest call still in flight.</summary>
    private (TimeSpan? Wait, CallRecord? OldestInFlight, int Limit) NextTurn(DateTimeOffset now, out CallRecord? record)
    {
        record = null;
        lock (_windowLock)
        {
            while (_calls.Count > 0 && _calls.Peek().EndedAt is { } ended && ended < now - _options.Window)
            {
                _calls.Dequeue();
            }
            var limit = _learned ?? _options.PerMinute;
            if (limit == 0)
            {
                // Unlimited: the log holds nothing back, but a 429 still has calls to learn from.
                record = new CallRecord(now);
                _calls.Enqueue(record);
                return (null, null, 0);
            }
            if (_learned is not null && _nextSlot > now)
            {
                // The learned pace, spread evenly: the service met a burst once and said no.
                return (_nextSlot - now, null, limit);
            }
            if (_calls.Count < limit)
            {
                record = new CallRecord(now);
                _calls.Enqueue(record);
                if (_learned is not null)
                {
                    // A late turn (a timer, a slow disk) loses no pace, but never buys more than a second's calls at once.
                    var tolerance = _spacing > TimeSpan.FromSeconds(1) ? _spacing : TimeSpan.FromSeconds(1);
                    _nextSlot = (_nextSlot > now - tolerance ? _nextSlot : now - tolerance) + _spacing;
                }
                return (null, null, limit);
            }
            var oldest = _calls.Peek();
            // The oldest call leaves the window (its answer + window, exclusive) just after this.
            return oldest.EndedAt is { } end
                ? (end + _options.Window - now + TimeSpan.FromMilliseconds(1), null, limit)
                : (null, oldest, limit);
        }
    }

    /// <summary>A call was answered 429: it did not count for the service; every call waits; the first one teaches the pace.</summary>
    private void Throttled(CallRecord call, TimeSpan retryAfter)
    {
        var now = _time.GetUtcNow();
        int? learned = null;
        int admitted;
        lock (_windowLock)
        {
            call.Refused = true;
            var windowStart = now - _options.Window;
            var ours = _calls.Where(c => !c.Refused && (c.EndedAt is not { } ended || ended >= windowStart)).ToList();
            admitted = ours.Count(c => c.EndedAt is not null);
            var limit = _options.PerMinute == 0 ? int.MaxValue : _options.PerMinute;
            // The service's oldest call leaves its window at now + Retry-After (rounded up). Were all its calls ours, that
            // is no earlier than a window after our oldest call started: else others' calls filled it, and it says nothing.
            var onlyOurs = ours.Count > 0 && now + retryAfter >= ours.Min(c => c.StartedAt) + _options.Window;
            if (_learned is null && onlyOurs && admitted > 0 && admitted < limit)
            {
                _learned = admitted;
                _spacing = _options.Window / admitted;
                learned = admitted;
            }
        }
        if (learned is { } pace)
        {
            _logger.LogWarning(
                "limits.{Setting} ({Configured}) is above what the service allows: it let {Measured} calls through in a minute, then answered 429. " +
                "From now on {Subject} paces itself at that rate, spread evenly over the minute; set limits.{Setting} to at most that",
                _options.Setting, _options.PerMinute == 0 ? "unlimited" : _options.PerMinute, pace, _options.Subject, _options.Setting);
        }
        Pause(retryAfter);
    }

    private void Refused(CallRecord call)
    {
        lock (_windowLock)
        {
            call.Refused = true;
        }
    }

    /// <summary>The calls in the window now that the service did not refuse (answered within a window, or still on the wire).</summary>
    public int AdmittedInWindow()
    {
        var windowStart = _time.GetUtcNow() - _options.Window;
        lock (_windowLock)
        {
            return _calls.Count(c => !c.Refused && (c.EndedAt is not { } ended || ended >= windowStart));
        }
    }

    /// <summary>One call in the window: it counts until a window after it ended.</summary>
    private sealed class CallRecord(DateTimeOffset startedAt)
    {
        private readonly TaskCompletionSource<DateTimeOffset> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DateTimeOffset StartedAt { get; } = startedAt;

        /// <summary>Answered 429: the service did not count it. Set and read under the pacer's window lock.</summary>
        public bool Refused { get; set; }

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
