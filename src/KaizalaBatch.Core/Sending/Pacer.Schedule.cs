namespace KaizalaBatch.Sending;

/// <summary>What the pacer can tell a progress display: the requests on the wire, a wait for the window, and how long the
/// window's own schedule needs for the calls still to make.</summary>
public sealed partial class Pacer
{
    private void SetWaiting(DateTimeOffset? until)
    {
        lock (_windowLock)
        {
            _waitingUntil = until;
        }
    }

    /// <summary>Where the pace stands now, for a progress display: requests on the wire, and whether (and until when) the
    /// next call waits for room in the window or for a 429's Retry-After.</summary>
    public PaceSnapshot Snapshot()
    {
        var now = _time.GetUtcNow();
        var paused = PausedUntil;
        lock (_windowLock)
        {
            var onTheWire = _calls.Count(c => c.EndedAt is null);
            var waiting = paused > now ? paused : _waitingUntil is { } until && until > now ? until : (DateTimeOffset?)null;
            return new PaceSnapshot(onTheWire, _learned ?? _options.PerMinute, waiting, paused > now);
        }
    }

    /// <summary>How long until <paramref name="calls"/> more calls can all have started, by the window's own schedule: what
    /// it lets through now, when each call in it leaves it, the learned spacing, a 429's pause. Null when there is no limit
    /// (the pace is then the service's latency, which only the recent rate tells).</summary>
    public TimeSpan? EstimateFor(int calls)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(calls);
        var now = _time.GetUtcNow();
        var start = PausedUntil > now ? PausedUntil : now;
        lock (_windowLock)
        {
            var limit = _learned ?? _options.PerMinute;
            if (calls == 0)
            {
                return TimeSpan.Zero;
            }
            if (limit == 0)
            {
                return null;
            }
            if (_learned is not null)
            {
                var first = _nextSlot > start ? _nextSlot : start;
                return first - now + (_spacing * (calls - 1));
            }
            // Each call in the window leaves it a window after its answer (one still on the wire: at the earliest a window
            // from now); a call beyond the window's room starts when the one it replaces leaves. Counted before anything
            // is sorted: a pool asks this of every connector for every item, and mostly there is room.
            bool InWindow(CallRecord c) => c.EndedAt is not { } ended || ended >= now - _options.Window;
            var room = limit - _calls.Count(InWindow);
            if (calls <= room)
            {
                return start - now;
            }
            var leaving = _calls.Where(InWindow).Select(c => (c.EndedAt ?? now) + _options.Window).Order().ToList();
            var beyond = calls - Math.Max(room, 0);
            var rounds = (beyond - 1) / limit;
            var slot = (beyond - 1) % limit;
            var at = slot < leaving.Count ? leaving[slot] : start + _options.Window;
            var when = at + (_options.Window * rounds);
            return (when > start ? when : start) - now;
        }
    }
}
