using KaizalaBatch.Api;
using KaizalaBatch.Ledger;
using KaizalaBatch.RunFiles;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Sending;

/// <summary>The pace of a pool of connectors (SPEC section 4, REFERENCE.md's throttling row): a <see cref="Pacer"/> per
/// connector (its applicationId: the service counts calls per connector, so two refresh tokens of one connector share it) at
/// <c>limits.perMinute</c>, and one for the tenant at <c>limits.tenantPerMinute</c> that every call of every connector also
/// passes. A 429 pauses the connector it concerns; when that connector had not reached its own limit in the window while
/// others had calls in it, the tenant's window was the cause, and the 429 pauses them all (the tenant's pacer, which learns
/// the tenant's pace from it as a connector's would).</summary>
public sealed class PoolPacing : IPaceView, IAsyncDisposable
{
    /// <summary>The key the tenant's window is kept under in a shared ledger (beside the connectors' applicationIds).</summary>
    public const string TenantKey = "(tenant)";

    private readonly Dictionary<string, Pacer> _connectors = new(StringComparer.Ordinal);
    private readonly Pacer? _tenant;
    private readonly ICallGate? _tenantGate;
    private readonly ISharedRun? _shared;
    private readonly TimeSpan _longestCall;
    private readonly TimeProvider _time;

    /// <param name="applicationIds">The pool's connectors, in the run file's order (repeats share a pacer).</param>
    /// <param name="shared">A run shared with runners on other machines: every window is also kept in the ledger's database.</param>
    /// <param name="longestCall">The client's timeout (see <see cref="SharedPacer"/>).</param>
    public PoolPacing(RunLimits limits, IEnumerable<string> applicationIds, ILoggerFactory loggers, TimeProvider? time = null,
        ISharedRun? shared = null, TimeSpan longestCall = default)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(applicationIds);
        ArgumentNullException.ThrowIfNull(loggers);
        _time = time ?? TimeProvider.System;
        _shared = shared;
        _longestCall = longestCall;
        var ids = applicationIds.Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in ids)
        {
            _connectors[id] = new Pacer(new PacingOptions(limits.PerMinute, limits.Concurrency)
            {
                Subject = ids.Count > 1 ? $"connector {id}" : "the connector",
            }, _time, loggers.CreateLogger<Pacer>());
        }
        if (limits.TenantLimitFor(ids.Count) is > 0 and var tenant)
        {
            _tenant = new Pacer(new PacingOptions(tenant, limits.Concurrency) { Subject = "the tenant", Setting = "tenantPerMinute" },
                _time, loggers.CreateLogger<Pacer>());
            _tenantGate = shared is null ? _tenant : new SharedPacer(_tenant, shared, TenantKey, longestCall, _time);
        }
    }

    /// <summary>The gate a connector's client waits at: its own window, then the tenant's.</summary>
    public ICallGate GateFor(string applicationId)
    {
        var pacer = _connectors[applicationId];
        ICallGate own = _shared is null ? pacer : new SharedPacer(pacer, _shared, applicationId, _longestCall, _time);
        return _tenantGate is null ? own : new PooledGate(own, _tenantGate, () => TenantCaused(pacer));
    }

    /// <summary>Whether a 429 to a call of <paramref name="pacer"/>'s connector was the tenant's window: the connector was
    /// below its own limit in the window, and other connectors had calls in it.</summary>
    private bool TenantCaused(Pacer pacer)
    {
        if (_connectors.Count < 2)
        {
            return false;
        }
        var limit = pacer.LearnedPerMinute ?? pacer.Options.PerMinute;
        return (limit == 0 || pacer.AdmittedInWindow() < limit)
            && _connectors.Values.Any(other => other != pacer && other.AdmittedInWindow() > 0);
    }

    public PaceSnapshot Snapshot()
    {
        var connectors = _connectors.Values.Select(p => p.Snapshot()).ToList();
        var pace = connectors.Any(s => s.PerMinute == 0) ? 0 : connectors.Sum(s => s.PerMinute);
        var onTheWire = connectors.Sum(s => s.OnTheWire);
        if (_tenant?.Snapshot() is { } tenant)
        {
            pace = pace == 0 ? tenant.PerMinute : Math.Min(pace, tenant.PerMinute);
            if (tenant.WaitingUntil is not null)
            {
                return new PaceSnapshot(onTheWire, pace, tenant.WaitingUntil, tenant.Throttled);
            }
        }
        // The pool waits only when every connector does: until the first of them may call again.
        var waiting = connectors.All(s => s.WaitingUntil is not null) ? connectors.Min(s => s.WaitingUntil) : null;
        return new PaceSnapshot(onTheWire, pace, waiting, waiting is not null && connectors.All(s => s.Throttled));
    }

    /// <summary>The calls spread evenly over the connectors: the slowest connector's share, or the tenant's window when that
    /// is slower; null when nothing limits the pace.</summary>
    public TimeSpan? EstimateFor(int calls)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(calls);
        var share = (calls + _connectors.Count - 1) / _connectors.Count;
        TimeSpan? longest = null;
        foreach (var estimate in _connectors.Values.Select(p => p.EstimateFor(share)).Append(_tenant?.EstimateFor(calls)))
        {
            if (estimate is { } e && (longest is null || e > longest))
            {
                longest = e;
            }
        }
        return longest;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pacer in _connectors.Values)
        {
            await pacer.DisposeAsync().ConfigureAwait(false);
        }
        if (_tenant is not null)
        {
            await _tenant.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A connector's gate, then the tenant's; a 429 goes to the gate whose window caused it.</summary>
    private sealed class PooledGate(ICallGate own, ICallGate tenant, Func<bool> tenantCaused) : ICallGate
    {
        public int Concurrency => own.Concurrency;

        // The tenant's window is the same for every connector: what sets one apart is its own.
        public TimeSpan? EstimateFor(int calls) => own.EstimateFor(calls);

        public async ValueTask<ICallPermit> AcquireAsync(CancellationToken cancellationToken)
        {
            var first = await own.AcquireAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return new Permit(first, await tenant.AcquireAsync(cancellationToken).ConfigureAwait(false), tenantCaused);
            }
            catch
            {
                first.Dispose();
                throw;
            }
        }

        private sealed class Permit(ICallPermit own, ICallPermit tenant, Func<bool> tenantCaused) : ICallPermit
        {
            public void Throttled(TimeSpan retryAfter)
            {
                if (tenantCaused())
                {
                    own.Refused();
                    tenant.Throttled(retryAfter);
                }
                else
                {
                    tenant.Refused();
                    own.Throttled(retryAfter);
                }
            }

            public void Refused()
            {
                own.Refused();
                tenant.Refused();
            }

            public void Dispose()
            {
                tenant.Dispose();
                own.Dispose();
            }
        }
    }
}
