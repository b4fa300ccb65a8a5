namespace KaizalaBatch.Emulator.State;

/// <summary>
/// The service's throttle: sliding 60 s windows, one per connector and one for the tenant.
/// Only admitted calls enter the windows; a refusal says honestly how long to wait: a caller
/// that waits exactly Retry-After seconds (and meets no other traffic) is let through.
/// </summary>
internal sealed class CallWindows(int perConnector, int perTenant)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private readonly Lock gate = new();
    private readonly Dictionary<string, Queue<long>> connectors = new(StringComparer.Ordinal);
    private readonly Queue<long> tenant = new();

    /// <summary>Admits the call (and records it) or returns the whole seconds to wait.</summary>
    public int? TryAdmit(string connector, DateTimeOffset now)
    {
        var ticks = now.UtcTicks;
        lock (gate)
        {
            if (!connectors.TryGetValue(connector, out var own))
            {
                own = new Queue<long>();
                connectors[connector] = own;
            }

            var wait = Math.Max(WaitTicks(own, perConnector, ticks), WaitTicks(tenant, perTenant, ticks));
            if (wait > 0)
            {
                return (int)Math.Max(1, (wait + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);
            }

            if (perConnector > 0)
            {
                own.Enqueue(ticks);
            }

            if (perTenant > 0)
            {
                tenant.Enqueue(ticks);
            }

            return null;
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            connectors.Clear();
            tenant.Clear();
        }
    }

    /// <summary>0 when the window has room, else the ticks until its oldest call leaves it.</summary>
    private static long WaitTicks(Queue<long> window, int limit, long now)
    {
        if (limit <= 0)
        {
            return 0;
        }

        while (window.Count > 0 && window.Peek() + Window.Ticks <= now)
        {
            window.Dequeue();
        }

        return window.Count < limit ? 0 : window.Peek() + Window.Ticks - now;
    }
}
