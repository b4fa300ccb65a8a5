using KaizalaBatch.Api;
using KaizalaBatch.Ledger;

namespace KaizalaBatch.Sending;

/// <summary>The gate of a runner that shares its run with runners on other machines: every call passes this runner's own
/// <see cref="Pacer"/> first (its concurrency, its window, the pace it learned from a 429, its pause), then the window all
/// the runners keep together in the ledger's database (<see cref="ISharedRun.TryStartCall"/>), so that together they never
/// make more than <see cref="PacingOptions.PerMinute"/> calls of the connector in a window. A 429 that any runner meets
/// pauses them all for its Retry-After.</summary>
/// <param name="longestCall">The client's timeout: a call under way counts at most this long plus a window after it
/// started, so a runner that dies mid-call cannot leave the others waiting for ever, nor let them exceed the limit.</param>
public sealed class SharedPacer(Pacer local, ISharedRun shared, string connector, TimeSpan longestCall, TimeProvider? time = null) : ICallGate
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public int Concurrency => ((ICallGate)local).Concurrency;

    public TimeSpan? EstimateFor(int calls) => local.EstimateFor(calls);

    public async ValueTask<ICallPermit> AcquireAsync(CancellationToken cancellationToken)
    {
        var permit = await local.AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                // This runner's learned pace, when it met the service's real limit below the configured one.
                var limit = local.LearnedPerMinute ?? local.Options.PerMinute;
                var turn = shared.TryStartCall(connector, limit, local.Options.Window, longestCall);
                if (turn.Call is { } call)
                {
                    return new SharedPermit(permit, shared, call, connector, local.Options.Window);
                }
                await Task.Delay(turn.Wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            permit.Dispose();
            throw;
        }
    }

    /// <summary>One call's place in both windows, this runner's and the shared one.</summary>
    private sealed class SharedPermit(CallPermit local, ISharedRun shared, long call, string connector, TimeSpan window) : ICallPermit
    {
        // The shared window keeps counting it: later than it need, never too early.
        public void Refused() => local.Refused();

        public void Throttled(TimeSpan retryAfter)
        {
            local.Throttled(retryAfter);
            try
            {
                shared.CallThrottled(call, connector, retryAfter);
            }
            catch (LedgerUnwritableException)
            {
                // The others do not hear of it; they meet the 429 themselves, and this runner still pauses.
            }
        }

        public void Dispose()
        {
            try
            {
                shared.EndCall(call, window);
            }
            catch (LedgerUnwritableException)
            {
                // The call then counts for as long as the longest call could last: later than it need, never too early.
            }
            finally
            {
                local.Dispose();
            }
        }
    }
}
