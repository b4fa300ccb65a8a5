using System.Collections.Concurrent;
using KaizalaBatch.Api;
using KaizalaBatch.Ledger;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Sending;

/// <summary>One connector of the pool as the sender uses it: its client, its reconciler (which knows its sender number) and
/// the referenceIds it was given in this run.</summary>
internal sealed class ConnectorLane
{
    private const int RememberedReferences = 4096;
    private readonly ConcurrentDictionary<string, byte>? _sentHere;

    public ConnectorLane(PoolConnector connector, bool pooled, ILedger ledger, TimeSpan skew, ILogger logger)
    {
        Connector = connector;
        _sentHere = pooled ? new ConcurrentDictionary<string, byte>(StringComparer.Ordinal) : null;
        Reconciler = new Reconciler(connector.Client, ledger, connector.ApplicationId, skew, logger,
            _sentHere is null ? null : reference => _sentHere.ContainsKey(reference));
    }

    public PoolConnector Connector { get; }

    public string Name => Connector.Name;

    public KaizalaClient Client => Connector.Client;

    public Reconciler Reconciler { get; }

    /// <summary>The service accepted an Action of this connector: evidence of its sender number for the read-back.</summary>
    public void Accepted(string? referenceId)
    {
        if (_sentHere is not null && referenceId is not null && _sentHere.Count < RememberedReferences)
        {
            _sentHere.TryAdd(referenceId, 0);
        }
    }
}

/// <summary>Which connector takes an item: the one it is pinned to, else the one that can make the call soonest, counting the
/// items it already has under way (its window's room, a 429's pause, the pace it learned), then the one with the fewest
/// under way, ties in turn. So items spread evenly while the connectors keep the same pace, and a connector whose window is
/// full, paused by a 429 or busy with pinned items takes fewer while the others have room.</summary>
internal sealed class ConnectorLanes
{
    private readonly ConnectorLane[] _lanes;
    private readonly Dictionary<string, int> _byName;
    private readonly int[] _working;
    private readonly Lock _lock = new();
    private int _next;

    public ConnectorLanes(ConnectorPool pool, ILedger ledger, TimeSpan skew, ILogger logger)
    {
        _lanes = [.. pool.Connectors.Select(c => new ConnectorLane(c, pool.Connectors.Count > 1, ledger, skew, logger))];
        _byName = _lanes.Select((lane, i) => (lane.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        _working = new int[_lanes.Length];
    }

    public ConnectorLane Default => _lanes[0];

    public ConnectorLane? Find(string? name) => name is not null && _byName.TryGetValue(name, out var i) ? _lanes[i] : null;

    /// <summary>Takes a lane for one item until the lease is disposed: <paramref name="lane"/> when given, else the least busy.</summary>
    public Lease Take(ConnectorLane? lane)
    {
        lock (_lock)
        {
            var index = lane is null ? LeastBusy() : _byName[lane.Name];
            _working[index]++;
            return new Lease(this, index);
        }
    }

    private int LeastBusy()
    {
        if (_lanes.Length == 1)
        {
            return 0;
        }
        var best = _next;
        var bestWait = Wait(best);
        for (var k = 1; k < _lanes.Length; k++)
        {
            var i = (_next + k) % _lanes.Length;
            var wait = Wait(i);
            if (wait < bestWait || (wait == bestWait && _working[i] < _working[best]))
            {
                (best, bestWait) = (i, wait);
            }
        }
        _next = (best + 1) % _lanes.Length;
        return best;
    }

    private TimeSpan Wait(int lane) => _lanes[lane].Client.Gate.EstimateFor(_working[lane] + 1) ?? TimeSpan.Zero;

    private void Release(int index)
    {
        lock (_lock)
        {
            _working[index]--;
        }
    }

    public readonly struct Lease(ConnectorLanes lanes, int index) : IDisposable
    {
        public ConnectorLane Lane => lanes._lanes[index];

        public void Dispose() => lanes.Release(index);
    }
}
