using System.Threading.RateLimiting;
using KaizalaBatch.Api;

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

    /// <summary>What the pacer's messages call what it paces: "the connector", "connector north", "the tenant".</summary>
    public string Subject { get; init; } = "the connector";

    /// <summary>The run file's setting this pace comes from (<c>perMinute</c> or <c>tenantPerMinute</c>), for the advice.</summary>
    public string Setting { get; init; } = "perMinute";
}

/// <summary>A permission to make one call: disposing it frees the concurrency slot.</summary>
public sealed class CallPermit : ICallPermit
{
    private RateLimitLease? _lease;
    private readonly Action? _ended;
    private readonly Action<TimeSpan>? _throttled;

    private readonly Action? _refused;

    internal CallPermit(RateLimitLease lease, DateTimeOffset startedAt, Action? ended, Action<TimeSpan>? throttled, Action? refused = null)
    {
        _lease = lease;
        StartedAt = startedAt;
        _ended = ended;
        _throttled = throttled;
        _refused = refused;
    }

    /// <summary>When the call was let through; the instant the pacer counted it.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The service answered this call 429 with <paramref name="retryAfter"/>: every call waits that long (see
    /// <see cref="Pacer.Pause"/>), and the first such answer teaches the pacer the service's pace (see <see cref="Pacer"/>).
    /// Call it before disposing the permit.</summary>
    public void Throttled(TimeSpan retryAfter) => _throttled?.Invoke(retryAfter);

    /// <summary>Answered 429 for another gate's cause (see <see cref="ICallPermit.Refused"/>): it leaves this window uncounted.</summary>
    public void Refused() => _refused?.Invoke();

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

/// <summary>Where a pacer stands at one instant, for a progress display.</summary>
/// <param name="OnTheWire">Requests sent and not yet answered.</param>
/// <param name="PerMinute">The pace in force: <c>limits.perMinute</c>, or the pace learned from a 429; 0: no limit.</param>
/// <param name="WaitingUntil">When the next call may start, while it waits for room in the window or a 429's Retry-After.</param>
/// <param name="Throttled">The wait is a 429's Retry-After.</param>
public sealed record PaceSnapshot(int OnTheWire, int PerMinute, DateTimeOffset? WaitingUntil, bool Throttled);

/// <summary>What a progress display may read from the pace: where it stands and how long the window's schedule needs.</summary>
public interface IPaceView
{
    PaceSnapshot Snapshot();

    /// <summary>How long until <paramref name="calls"/> more calls can all have started; null when there is no limit.</summary>
    TimeSpan? EstimateFor(int calls);
}
