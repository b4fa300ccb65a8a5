using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsvHelper;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Reports;

public enum ExportFormat
{
    Csv,
    Jsonl,
}

/// <summary>Writes the ledger as a results file, one row per item, streaming. CSV cells a spreadsheet would run as a
/// formula (starting with = + - @, tab or CR) get a leading apostrophe (CsvHelper's injection escape). The ledger holds
/// no secret, so neither does the export.</summary>
public static class LedgerExport
{
    private static readonly string[] Columns =
    [
        "action", "key", "groupId", "actionType", "state", "referenceId", "actionId", "attempts", "lastError",
        "firstRow", "sentAt", "reconciled", "updatedAt", "contentHash", "resolvedBy", "resolvedAt", "connector",
    ];

    public static long Write(IEnumerable<LedgerRecord> records, ExportFormat format, Stream output)
    {
        ArgumentNullException.ThrowIfNull(records);
        return format switch
        {
            ExportFormat.Csv => WriteCsv(records, output),
            ExportFormat.Jsonl => WriteJsonl(records, output),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }

    public static string StateText(ItemState state) => state switch
    {
        ItemState.New => "new",
        ItemState.Sent => "sent",
        ItemState.Failed => "failed",
        ItemState.InDoubt => "in-doubt",
        ItemState.Invalid => "invalid",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    private static long WriteCsv(IEnumerable<LedgerRecord> records, Stream output)
    {
        using var csv = CsvWriter.Create(output, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        csv.WriteHeader(Columns);
        long count = 0;
        foreach (var r in records)
        {
            csv.WriteRecord(
            [
                r.Action, r.Key, r.GroupId, r.ActionType, StateText(r.State), r.ReferenceId ?? "", r.ActionId ?? "",
                r.Attempts.ToString(CultureInfo.InvariantCulture), r.LastError ?? "",
                r.FirstRow?.ToString(CultureInfo.InvariantCulture) ?? "", Time(r.SentAt), r.Reconciled ? "true" : "false",
                Time(r.UpdatedAt), r.ContentHash, r.ResolvedBy ?? "", Time(r.ResolvedAt), r.Connector ?? "",
            ]);
            count++;
        }
        return count;
    }

    private static long WriteJsonl(IEnumerable<LedgerRecord> records, Stream output)
    {
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        long count = 0;
        foreach (var r in records)
        {
            using (var json = new Utf8JsonWriter(output, options))
            {
                json.WriteStartObject();
                json.WriteString("action", r.Action);
                json.WriteString("key", r.Key);
                json.WriteString("groupId", r.GroupId);
                json.WriteString("actionType", r.ActionType);
                json.WriteString("state", StateText(r.State));
                Optional(json, "referenceId", r.ReferenceId);
                Optional(json, "actionId", r.ActionId);
                json.WriteNumber("attempts", r.Attempts);
                Optional(json, "lastError", r.LastError);
                if (r.FirstRow is { } row)
                {
                    json.WriteNumber("firstRow", row);
                }
                Optional(json, "sentAt", r.SentAt is null ? null : Time(r.SentAt));
                json.WriteBoolean("reconciled", r.Reconciled);
                json.WriteString("updatedAt", Time(r.UpdatedAt));
                json.WriteString("contentHash", r.ContentHash);
                Optional(json, "resolvedBy", r.ResolvedBy);
                Optional(json, "resolvedAt", r.ResolvedAt is null ? null : Time(r.ResolvedAt));
                Optional(json, "connector", r.Connector);
                json.WriteEndObject();
            }
            output.WriteByte((byte)'\n');
            count++;
        }
        return count;
    }

    private static void Optional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static string Time(DateTimeOffset? time) => time?.ToString("O", CultureInfo.InvariantCulture) ?? "";
}
