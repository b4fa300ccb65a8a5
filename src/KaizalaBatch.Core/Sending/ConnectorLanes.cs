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

/// <summary>Which connector takes an item: the one it is pinned to, else the one with the fewest items under way (ties in
/// turn), so that items spread evenly and a connector slowed by a 429 or by pinned items takes fewer.</summary>
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
        var best = _next;
        for (var k = 1; k < _lanes.Length; k++)
        {
            var i = (_next + k) % _lanes.Length;
            if (_working[i] < _working[best])
            {
                best = i;
            }
        }
        _next = (best + 1) % _lanes.Length;
        return best;
    }

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
