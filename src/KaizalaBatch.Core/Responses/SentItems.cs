using System.Text.Json.Nodes;
using KaizalaBatch.Actions;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Targets;

namespace KaizalaBatch.Responses;

/// <summary>A sent item as a report sees it: the ledger's record, the body as the run file renders it now (what its
/// questions, choices and assignees are), and its CSV row.</summary>
public sealed record SentItem(LedgerRecord Record, JsonObject? Body, IReadOnlyList<KeyValuePair<string, string>> Columns)
{
    public ReadMode Mode => SentItems.ModeOf(Record.ActionType);
}

/// <summary>Gathers the sent items of a run: the ledger says what was sent; the run file, rendered again with the same
/// <c>run.startedAt</c>, gives the bodies and the CSV rows they came from.</summary>
public static class SentItems
{
    public static ReadMode ModeOf(string actionType) => actionType switch
    {
        "Survey" or "Job" => ReadMode.Listed,
        "Poll" => ReadMode.Details,
        _ => ReadMode.None,
    };

    /// <summary>Why a type's responses are not read.</summary>
    public static string NoResponsesReason(string actionType) => ReadBackIdentity.IsListable(actionType)
        ? $"a {actionType} takes no responses"
        : $"the service cannot list {actionType} Actions, so it has no responses to read";

    public static IReadOnlyList<SentItem> Load(RunFile run, ILedger ledger, IReadOnlySet<string>? only, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(ledger);
        var sent = ledger.Export()
            .Where(r => r.State == ItemState.Sent && (only is null || only.Contains(r.Action)))
            .OrderBy(r => run.Actions.ToList().FindIndex(a => a.Name == r.Action) is var at and >= 0 ? at : int.MaxValue)
            .ThenBy(r => r.Action, StringComparer.Ordinal)
            .ToList();
        if (sent.Count == 0)
        {
            return [];
        }
        var wanted = sent.Select(r => r.Action).ToHashSet(StringComparer.Ordinal);
        var render = new RenderOptions(ledger.CreatedAt ?? DateTimeOffset.UtcNow) { Only = wanted.Where(a => run.Actions.Any(d => d.Name == a)).ToHashSet() };
        var rendered = new Dictionary<(string, string), RenderedItem>();
        foreach (var item in ItemRenderer.Render(run, render, _ => { }, cancellationToken))
        {
            rendered[(item.Action, item.Key)] = item;
        }
        var rows = RowsByAction(run, sent, rendered, cancellationToken);
        return sent.Select(record =>
        {
            rendered.TryGetValue((record.Action, record.Key), out var item);
            var row = item?.Rows.FirstOrDefault() ?? record.FirstRow;
            var columns = row is { } r && rows.TryGetValue(record.Action, out var byRow) && byRow.TryGetValue(r, out var values) ? values : [];
            return new SentItem(record, item?.Body, columns);
        }).ToList();
    }

    /// <summary>The CSV rows the sent items came from, per action, read with the targets reader (each file once).</summary>
    private static Dictionary<string, Dictionary<long, IReadOnlyList<KeyValuePair<string, string>>>> RowsByAction(
        RunFile run, IReadOnlyList<LedgerRecord> sent, Dictionary<(string, string), RenderedItem> rendered, CancellationToken cancellationToken)
    {
        var byFile = new Dictionary<string, Dictionary<long, IReadOnlyList<KeyValuePair<string, string>>>>(StringComparer.Ordinal);
        var result = new Dictionary<string, Dictionary<long, IReadOnlyList<KeyValuePair<string, string>>>>(StringComparer.Ordinal);
        foreach (var action in run.Actions)
        {
            var needed = sent.Where(r => r.Action == action.Name)
                .Select(r => rendered.TryGetValue((r.Action, r.Key), out var item) && item.Rows.Count > 0 ? item.Rows[0] : r.FirstRow)
                .OfType<long>().ToHashSet();
            if (needed.Count == 0)
            {
                continue;
            }
            if (!byFile.TryGetValue(action.Targets.File, out var rows))
            {
                rows = [];
                using var reader = CsvTargetReader.Open(action.Targets, _ => { });
                foreach (var row in reader?.ReadRows(cancellationToken) ?? [])
                {
                    rows[row.Row] = row.Columns.Names.Select((name, i) => new KeyValuePair<string, string>(name, i < row.Values.Length ? row.Values[i] : "")).ToList();
                }
                byFile[action.Targets.File] = rows;
            }
            result[action.Name] = rows;
        }
        return result;
    }
}
