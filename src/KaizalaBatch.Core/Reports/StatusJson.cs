using System.Text.Encodings.Web;
using System.Text.Json;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Reports;

/// <summary><c>status --json</c>: what the ledger holds, per action and state, for a script or a CI step:
/// <c>{ run, ledger, durability, actions: { name: { new, sent, failed, in-doubt, invalid, total } }, total: { ... } }</c>.
/// Every action of the run file is there in its order (one never started counts zeros), then any the ledger holds that
/// the run file no longer names.</summary>
public static class StatusJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <param name="ledger">Where the ledger is; null while there is none yet.</param>
    public static void Write(Stream output, string runName, IEnumerable<string> actions, string? ledger, string? durability,
        IReadOnlyList<StateCount> counts, IReadOnlyDictionary<string, int>? notStarted = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(counts);
        using var writer = new Utf8JsonWriter(output, Options);
        writer.WriteStartObject();
        writer.WriteString("run", runName);
        writer.WriteString("ledger", ledger);
        writer.WriteString("durability", durability);
        writer.WriteStartObject("actions");
        foreach (var action in actions.Concat(counts.Select(c => c.Action)).Distinct(StringComparer.Ordinal))
        {
            writer.WritePropertyName(action);
            WriteStates(writer, counts.Where(c => c.Action == action).ToList(), notStarted is null ? null : notStarted.GetValueOrDefault(action));
        }
        writer.WriteEndObject();
        writer.WritePropertyName("total");
        WriteStates(writer, counts, notStarted?.Values.Sum());
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <param name="notStarted">Items of the run file no run has taken yet; null when they cannot be counted (it is then left out).</param>
    private static void WriteStates(Utf8JsonWriter writer, IReadOnlyList<StateCount> counts, int? notStarted)
    {
        writer.WriteStartObject();
        foreach (var state in Enum.GetValues<ItemState>())
        {
            writer.WriteNumber(LedgerExport.StateText(state), counts.Where(c => c.State == state).Sum(c => c.Count));
        }
        if (notStarted is { } waiting)
        {
            writer.WriteNumber("notStarted", waiting);
        }
        writer.WriteNumber("total", counts.Sum(c => c.Count));
        writer.WriteEndObject();
    }
}
