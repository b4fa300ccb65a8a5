using System.Globalization;
using KaizalaBatch.Api;
using KaizalaBatch.Ledger;

namespace KaizalaBatch.Responses;

/// <param name="Only">Remind only these actions (null: all).</param>
/// <param name="MinResponses">Remind an item with fewer responses than this (1: those nobody answered yet).</param>
/// <param name="Every">An item is reminded at most once in this time.</param>
public sealed record RemindOptions(IReadOnlySet<string>? Only = null, int MinResponses = 1, TimeSpan Every = default)
{
    public static readonly TimeSpan DefaultEvery = TimeSpan.FromHours(24);

    public TimeSpan Interval => Every == default ? DefaultEvery : Every;
}

/// <summary>What <c>remind</c> did: items reminded now, items with enough responses, items reminded within the interval,
/// items that could not be read or reminded (with why).</summary>
public sealed record RemindResult(int Reminded, int Enough, int RecentlyReminded, int Unread, IReadOnlyList<string> Failures)
{
    public int ExitCode => Failures.Count > 0 || Unread > 0 ? ExitCodes.SomeItemsFailed : ExitCodes.Done;
}

/// <summary>The <c>remind</c> use case: after a report's read, the documented reminder call for every item of a type that
/// takes responses whose responses are below the threshold and that was not reminded within the interval; each one
/// accepted is recorded in the ledger, so that a second round within the interval sends nothing.</summary>
public sealed class ReminderRound(ILedger ledger, ConnectorPool pool, int concurrency, TimeProvider? time = null)
{
    public ReminderRound(ILedger ledger, KaizalaClient client, int concurrency, TimeProvider? time = null)
        : this(ledger, ConnectorPool.Of(client), concurrency, time)
    {
    }

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<RemindResult> SendAsync(Report report, RemindOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        var now = _time.GetUtcNow();
        var last = ledger.LastReminders();
        var items = report.Items.Where(i => SentItems.ModeOf(i.Type) != ReadMode.None && (options.Only is null || options.Only.Contains(i.Action))).ToList();
        var unread = items.Count(i => i.Responses is null);
        var enough = items.Count(i => i.Responses >= options.MinResponses);
        var recent = items.Where(i => i.Responses < options.MinResponses && last.TryGetValue((i.Action, i.Key), out var at) && now - at < options.Interval).ToList();
        var due = items.Where(i => i.Responses < options.MinResponses).Except(recent).ToList();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var reminded = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(concurrency, 1), CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                var record = ledger.FindRecord(item.Action, item.Key);
                var actionId = record?.ActionId;
                if (actionId is null)
                {
                    failures.Enqueue($"{item.Action} {item.Key}: the ledger has no actionId for it");
                    return;
                }
                // Through the connector that sent it, which reaches its group.
                var outcome = await pool.ClientFor(record!.Connector).SendReminderAsync(item.GroupId, actionId, ct).ConfigureAwait(false);
                if (outcome is Accepted)
                {
                    ledger.RecordReminder(item.Action, item.Key);
                    Interlocked.Increment(ref reminded);
                }
                else
                {
                    failures.Enqueue(string.Create(CultureInfo.InvariantCulture, $"{item.Action} {item.Key}: the reminder failed: {outcome}"));
                }
            }).ConfigureAwait(false);
        return new RemindResult(reminded, enough, recent.Count, unread, [.. failures]);
    }
}
