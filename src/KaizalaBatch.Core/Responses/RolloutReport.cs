using KaizalaBatch.Api;
using KaizalaBatch.Ledger;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Responses;

/// <summary>The <c>report</c> use case: every sent item of a run, its responses read back (cheaply: see
/// <see cref="ResponseReader"/>) and added up. <see cref="Prepare"/> says what the read will cost before any call is made.</summary>
public sealed class RolloutReport(RunFile run, ILedger ledger, ConnectorPool pool, TimeProvider? time = null)
{
    public RolloutReport(RunFile run, ILedger ledger, KaizalaClient client, TimeProvider? time = null)
        : this(run, ledger, ConnectorPool.Of(client), time)
    {
    }

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private IReadOnlyList<SentItem>? _items;

    /// <summary>Gathers the sent items (of <paramref name="only"/> actions, or all) and plans the calls; no call is made.</summary>
    public ReadPlan Prepare(IReadOnlySet<string>? only, CancellationToken cancellationToken)
    {
        _items = SentItems.Load(run, ledger, only, cancellationToken);
        return ResponseReader.Plan(_items, run.Limits.PerMinute);
    }

    /// <summary>Reads the responses (all of them with <paramref name="refresh"/>, else only what changed) and builds the report.</summary>
    public async Task<Report> BuildAsync(bool refresh, Action<ReadProgress>? progress, CancellationToken cancellationToken)
    {
        var items = _items ?? SentItems.Load(run, ledger, null, cancellationToken);
        var reader = new ResponseReader(pool, ledger, run.Limits.Concurrency);
        var read = await reader.ReadAsync(items, refresh, progress, cancellationToken).ConfigureAwait(false);
        return ResponseTally.Build(run.Name, read, reader.Stats, ResponseReader.Plan(items, run.Limits.PerMinute).Skipped, _time.GetUtcNow());
    }
}
