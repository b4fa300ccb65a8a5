using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Api;
using KaizalaBatch.Ledger;

namespace KaizalaBatch.Responses;

/// <summary>An item's responses as read (or as last read, when <see cref="Error"/> says why they could not be read now).</summary>
public sealed record ItemResponses(SentItem Item, IReadOnlyList<ResponseRecord>? Responses, bool FromCache, string? Error);

/// <summary>Reads the responses of sent items back, cheaply: per group and type one list call, whose <c>responseCount</c>
/// tells which items changed since the ledger last kept their responses; a details call only for those (a Poll's summary
/// has no count: its details call is its one call). Every call goes through the client, so through the shared pacer.</summary>
/// <remarks>Each item is read back through the connector it was sent through (the ledger records it), so that a group
/// token reaches its own group; through the first connector when the pool no longer has it.</remarks>
public sealed class ResponseReader(ConnectorPool pool, ILedger ledger, int concurrency)
{
    public ResponseReader(KaizalaClient client, ILedger ledger, int concurrency)
        : this(ConnectorPool.Of(client), ledger, concurrency)
    {
    }


    private int _listCalls;
    private int _detailCalls;
    private int _fromCache;
    private int _failed;
    private int _itemsRead;

    public ReadStats Stats => new(_listCalls, _detailCalls, _fromCache, _failed);

    /// <summary>What reading <paramref name="items"/> will cost (see <see cref="ReadPlan"/>).</summary>
    public static ReadPlan Plan(IReadOnlyList<SentItem> items, int perMinute)
    {
        ArgumentNullException.ThrowIfNull(items);
        var listed = items.Where(i => i.Mode == ReadMode.Listed).ToList();
        var skipped = items.Where(i => i.Mode == ReadMode.None)
            .GroupBy(i => (i.Record.Action, i.Record.ActionType))
            .Select(g => new SkippedAction(g.Key.Action, g.Key.ActionType, g.Count(), SentItems.NoResponsesReason(g.Key.ActionType)))
            .ToList();
        return new ReadPlan(
            items.Count,
            listed.Select(i => (i.Record.GroupId, i.Record.ActionType, i.Record.Connector)).Distinct().Count(),
            items.Count(i => i.Mode == ReadMode.Details),
            listed.Count,
            perMinute,
            skipped);
    }

    public async Task<IReadOnlyList<ItemResponses>> ReadAsync(IReadOnlyList<SentItem> items, bool refresh, Action<ReadProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var cache = ledger.CachedResponses();
        var readable = items.Where(i => i.Mode != ReadMode.None && i.Record.ActionId is not null).ToList();
        var results = new System.Collections.Concurrent.ConcurrentDictionary<(string, string), ItemResponses>();
        void Done(ItemResponses read)
        {
            results[(read.Item.Record.Action, read.Item.Record.Key)] = read;
            var count = Interlocked.Increment(ref _itemsRead);
            progress?.Invoke(new ReadProgress(_listCalls + _detailCalls, count, readable.Count));
        }

        // One unit of work per group and type for listed items, per item for the others: each runs its calls in turn.
        var units = readable.Where(i => i.Mode == ReadMode.Listed)
            .GroupBy(i => (i.Record.GroupId, i.Record.ActionType, i.Record.Connector))
            .Select(g => (Listed: true, Items: g.ToList()))
            .Concat(readable.Where(i => i.Mode == ReadMode.Details).Select(i => (Listed: false, Items: new List<SentItem> { i })))
            .ToList();
        await Parallel.ForEachAsync(units, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(concurrency, 1), CancellationToken = cancellationToken },
            async (unit, ct) =>
            {
                if (unit.Listed)
                {
                    await ReadListedAsync(unit.Items, cache, refresh, Done, ct).ConfigureAwait(false);
                }
                else
                {
                    var item = unit.Items[0];
                    Done(await ReadDetailsAsync(item, cache.GetValueOrDefault((item.Record.Action, item.Record.Key)), count: null, ct).ConfigureAwait(false));
                }
            }).ConfigureAwait(false);

        return items.Select(i => results.TryGetValue((i.Record.Action, i.Record.Key), out var read) ? read : new ItemResponses(i, null, false, null)).ToList();
    }

    private async Task ReadListedAsync(List<SentItem> items, IReadOnlyDictionary<(string, string), CachedResponses> cache, bool refresh,
        Action<ItemResponses> done, CancellationToken cancellationToken)
    {
        var first = items[0].Record;
        // The list starts a little before the first send: the service stamps an Action when it takes it, before our record.
        var from = items.Min(i => i.Record.AttemptStartedAt ?? i.Record.SentAt ?? DateTimeOffset.UnixEpoch) - TimeSpan.FromHours(1);
        Interlocked.Increment(ref _listCalls);
        var list = await pool.ClientFor(first.Connector).ReadActionsAsync(first.GroupId, first.ActionType, from, cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            var cached = cache.GetValueOrDefault((item.Record.Action, item.Record.Key));
            if (!list.Succeeded)
            {
                done(Failed(item, cached, $"the list call failed: {list.Failure}"));
                continue;
            }
            var listed = list.Actions.FirstOrDefault(a => string.Equals(a.ActionId, item.Record.ActionId, StringComparison.OrdinalIgnoreCase));
            var count = listed?.ActionBody?["responseCount"] is JsonValue value && value.TryGetValue<int>(out var n) ? n : (int?)null;
            if (count is { } known && !refresh && cached is not null && cached.ResponseCount == known)
            {
                Interlocked.Increment(ref _fromCache);
                done(new ItemResponses(item, Parse(cached.ResponsesJson), true, null));
            }
            else if (count == 0 && !refresh)
            {
                ledger.RecordResponses(item.Record.Action, item.Record.Key, 0, "[]");
                done(new ItemResponses(item, [], false, null));
            }
            else
            {
                done(await ReadDetailsAsync(item, cached, count, cancellationToken).ConfigureAwait(false));
            }
        }
    }

    /// <summary>The details call with responses; keeps them in the ledger under <paramref name="count"/> (the list's count,
    /// or for a Poll the number of responses).</summary>
    private async Task<ItemResponses> ReadDetailsAsync(SentItem item, CachedResponses? cached, int? count, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _detailCalls);
        var outcome = await pool.ClientFor(item.Record.Connector).ReadActionDetailsAsync(item.Record.GroupId, item.Record.ActionId!, withResponses: true, cancellationToken).ConfigureAwait(false);
        if (outcome is not Accepted accepted)
        {
            return Failed(item, cached, outcome is Permanent { Status: 404 }
                ? "the service no longer has this Action"
                : $"the details call failed: {outcome}");
        }
        var responses = accepted.Body["actionDetails"]?["responses"] as JsonArray ?? [];
        var json = responses.ToJsonString();
        ledger.RecordResponses(item.Record.Action, item.Record.Key, count ?? responses.Count, json);
        return new ItemResponses(item, Parse(json), false, null);
    }

    private ItemResponses Failed(SentItem item, CachedResponses? cached, string error)
    {
        Interlocked.Increment(ref _failed);
        return new ItemResponses(item, cached is null ? null : Parse(cached.ResponsesJson), cached is not null, error);
    }

    /// <summary>The <c>responses</c> array of a details answer (actionDetails.md), as kept in the ledger.</summary>
    public static IReadOnlyList<ResponseRecord> Parse(string responsesJson)
    {
        var records = new List<ResponseRecord>();
        if (JsonNode.Parse(responsesJson) is not JsonArray array)
        {
            return records;
        }
        foreach (var node in array.OfType<JsonObject>())
        {
            records.Add(new ResponseRecord(
                Text(node["responseId"]) ?? "",
                Text(node["responder"]),
                ReadBack.ParseTime(node["responseTime"]),
                node["actionBody"] as JsonObject is { } body ? (JsonObject)body.DeepClone() : []));
        }
        return records;
    }

    private static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? (string?)node : null;
}
