using System.Collections.Concurrent;

namespace KaizalaBatch.Sending;

/// <summary>The counters of one run, shared by the workers: per action and in total, the items in flight, and why the run
/// stopped (the first reason wins).</summary>
internal sealed class RunTally(int? total, IProgress<RunProgress>? progress)
{
    private sealed class Counts
    {
        public int Sent, Reconciled, Failed, InDoubt, Invalid;

        public void Add(ItemResult result)
        {
            switch (result)
            {
                case ItemResult.Sent: Sent++; break;
                case ItemResult.Reconciled: Reconciled++; break;
                case ItemResult.Failed: Failed++; break;
                case ItemResult.InDoubt: InDoubt++; break;
                case ItemResult.Invalid: Invalid++; break;
            }
        }
    }

    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, Counts> _perAction = new(StringComparer.Ordinal);
    private readonly Counts _totals = new();
    private int _inFlight;
    private int _notStarted;
    private int _handled;

    public StopReason? Stopped { get; private set; }

    public string? StopMessage { get; private set; }

    public int Handled
    {
        get
        {
            lock (_gate)
            {
                return _handled;
            }
        }
    }

    /// <summary>Items that failed or stayed in doubt: what <c>maxErrors</c> counts.</summary>
    public int Errors
    {
        get
        {
            lock (_gate)
            {
                return _totals.Failed + _totals.InDoubt;
            }
        }
    }

    public void Begin()
    {
        lock (_gate)
        {
            _inFlight++;
        }
        Report();
    }

    public void End(string action, ItemResult result)
    {
        lock (_gate)
        {
            _inFlight--;
            if (result == ItemResult.NotStarted)
            {
                _notStarted++;
            }
            else
            {
                _handled++;
                _totals.Add(result);
                if (!_perAction.TryGetValue(action, out var counts))
                {
                    _perAction[action] = counts = new Counts();
                }
                counts.Add(result);
            }
        }
        // Also for an item not started: the progress must not keep counting it in flight.
        Report();
    }

    /// <summary>An item another runner of a shared run has done since this one planned it: counted there, not here, but no
    /// longer waiting here either.</summary>
    public void Elsewhere()
    {
        lock (_gate)
        {
            _handled++;
        }
        Report();
    }

    /// <summary>A shared run took every item it could: what its plan counted and it did not find to do, other runners did
    /// (they were planned before those runners finished them), so nothing remains.</summary>
    public void AllTaken()
    {
        lock (_gate)
        {
            _handled = Math.Max(_handled, total ?? 0);
        }
        Report();
    }

    public void NotStarted()
    {
        lock (_gate)
        {
            _notStarted++;
        }
    }

    public void SetNotStarted(int count)
    {
        lock (_gate)
        {
            _notStarted = Math.Max(_notStarted, count);
        }
    }

    /// <summary>Records the first reason the run stopped; true when this call set it.</summary>
    public bool StopFor(StopReason reason, string message)
    {
        lock (_gate)
        {
            if (Stopped is not null)
            {
                return false;
            }
            Stopped = reason;
            StopMessage = message;
            return true;
        }
    }

    private void Report()
    {
        if (progress is null)
        {
            return;
        }
        RunProgress snapshot;
        lock (_gate)
        {
            snapshot = new RunProgress(_totals.Sent, _totals.Reconciled, _totals.Failed, _totals.InDoubt, _inFlight,
                total is { } t ? Math.Max(0, t - _handled) : null);
        }
        progress.Report(snapshot);
    }

    public RunSummary Summary()
    {
        lock (_gate)
        {
            var actions = _perAction.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => new ActionSummary(p.Key, p.Value.Sent, p.Value.Reconciled, p.Value.Failed, p.Value.InDoubt, p.Value.Invalid))
                .ToList();
            return new RunSummary(actions, Stopped, _notStarted, StopMessage);
        }
    }
}
