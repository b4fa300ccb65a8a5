using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsvHelper;
using KaizalaBatch.Responses;

namespace KaizalaBatch.Reports;

/// <summary>The report's exports: <c>--csv</c>, one row per item (action, key, groupId, type, responses, lastResponseAt,
/// completed, error, then the item's CSV columns, then its answers to each Text, Location, Date... question as
/// <c>action.qN</c>; formula-like cells escaped as in <see cref="LedgerExport"/>), and
/// <c>--json</c>, the whole <see cref="Report"/> as one document.</summary>
public static class ResponseReportFiles
{
    private static readonly string[] Fixed = ["action", "key", "groupId", "type", "responses", "lastResponseAt", "completed", "error"];

    public static void WriteCsv(Report report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        var extra = report.Items.SelectMany(i => i.Columns.Select(c => c.Key))
            .Where(name => !Fixed.Contains(name, StringComparer.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal).ToList();
        // The answers kept as such (Text, Location, Date, ...): a column per question, "action.qN", the item's answers joined by " | ".
        var answered = report.Actions.SelectMany(a => a.Questions.Where(q => q.Answers is not null).Select(q => (a.Action, Question: q))).ToList();
        var answers = answered.ToDictionary(
            q => q,
            q => q.Question.Answers!.GroupBy(x => x.Key).ToDictionary(g => g.Key, g => string.Join(" | ", g.Select(x => x.Value)), StringComparer.Ordinal));
        using var csv = CsvWriter.Create(output, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        csv.WriteHeader([.. Fixed, .. extra, .. answered.Select(q => $"{q.Action}.q{(q.Question.Index + 1).ToString(CultureInfo.InvariantCulture)}")]);
        foreach (var item in report.Items)
        {
            var columns = item.Columns.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
            csv.WriteRecord(
            [
                item.Action, item.Key, item.GroupId, item.Type, N(item.Responses), Time(item.LastResponseAt), N(item.Completed), item.Error ?? "",
                .. extra.Select(name => columns.GetValueOrDefault(name) ?? ""),
                .. answered.Select(q => q.Action == item.Action ? answers[q].GetValueOrDefault(item.Key) ?? "" : ""),
            ]);
        }
    }

    public static void WriteJson(Report report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        JsonSerializer.Serialize(output, report, Options);
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(), new ColumnsConverter() },
    };

    /// <summary>An item's CSV row as a JSON object, in column order.</summary>
    private sealed class ColumnsConverter : JsonConverter<IReadOnlyList<KeyValuePair<string, string>>>
    {
        public override IReadOnlyList<KeyValuePair<string, string>> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, IReadOnlyList<KeyValuePair<string, string>> value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var (name, text) in value)
            {
                writer.WriteString(name, text);
            }
            writer.WriteEndObject();
        }
    }

    private static string N(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    internal static string Time(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";
}
