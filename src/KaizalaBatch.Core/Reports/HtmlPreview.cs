using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Reports;

/// <summary>One card of the preview: a rendered item and how the plan classed it (new, changed, invalid...).</summary>
public sealed record PreviewCard(RenderedItem Item, string PlanClass);

/// <summary>A count per action and plan class, for the summary table on top of the preview.</summary>
public sealed record PreviewSummaryRow(string Action, string ActionType, IReadOnlyDictionary<string, long> Counts);

/// <summary>Writes the plan as one self-contained HTML page: a summary on top, then each item as the card a
/// group member would see. No script, no external resource, so it opens anywhere and prints cleanly.</summary>
public static class HtmlPreview
{
    public static readonly string[] PlanClasses = Enum.GetValues<PlanCategory>().Select(PlanText.Of).ToArray();

    public static void Write(TextWriter writer, string runName, IReadOnlyList<PreviewSummaryRow> summary,
        IReadOnlyList<PreviewCard> cards, long omittedCards)
    {
        writer.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        writer.Write($"<title>Plan: {E(runName)}</title><style>{Css}</style></head><body>");
        writer.Write($"<header><h1>Plan: {E(runName)}</h1><p>Nothing has been sent. This page shows what <code>run</code> would send.</p></header>");
        WriteSummary(writer, summary);
        // Invalid items first: they are what the user must fix before anything else.
        var ordered = cards.OrderBy(c => c.PlanClass == PlanText.Of(PlanCategory.Invalid) ? 0 : 1).ToList();
        writer.Write("<main class=\"cards\">");
        foreach (var card in ordered)
        {
            WriteCard(writer, card);
        }
        writer.Write("</main>");
        if (omittedCards > 0)
        {
            writer.Write($"<p class=\"omitted\">{(omittedCards == 1 ? "1 more item is" : omittedCards.ToString(CultureInfo.InvariantCulture) + " more items are")} counted above but not drawn as cards.</p>");
        }
        writer.Write("</body></html>\n");
    }

    private static void WriteSummary(TextWriter writer, IReadOnlyList<PreviewSummaryRow> summary)
    {
        writer.Write("<table class=\"summary\"><thead><tr><th>action</th><th>type</th>");
        foreach (var planClass in PlanClasses)
        {
            writer.Write($"<th>{planClass}</th>");
        }
        writer.Write("</tr></thead><tbody>");
        foreach (var row in summary)
        {
            writer.Write($"<tr><td>{E(row.Action)}</td><td>{E(row.ActionType)}</td>");
            foreach (var planClass in PlanClasses)
            {
                var count = row.Counts.GetValueOrDefault(planClass);
                var css = count > 0 ? $" class=\"n {planClass}\"" : " class=\"n\"";
                writer.Write($"<td{css}>{count.ToString(CultureInfo.InvariantCulture)}</td>");
            }
            writer.Write("</tr>");
        }
        writer.Write("</tbody></table>");
    }

    private static void WriteCard(TextWriter writer, PreviewCard card)
    {
        var item = card.Item;
        writer.Write($"<article class=\"card {card.PlanClass}\" data-type=\"{E(item.ActionType)}\">");
        writer.Write($"<div class=\"meta\"><span class=\"badge {card.PlanClass}\">{E(card.PlanClass)}</span> ");
        writer.Write($"<span class=\"type\">{E(item.ActionType)}{(item.PackageId is null ? "" : " " + E(item.PackageId))}</span>");
        var key = string.Equals(item.Key, item.GroupId, StringComparison.OrdinalIgnoreCase) ? "" : $" / {E(item.Key)}";
        writer.Write($"<span class=\"who\">{E(item.Action)}{key} → group {E(item.GroupId)}");
        if (item.Rows.Count > 0)
        {
            writer.Write($" (row{(item.Rows.Count > 1 ? "s" : "")} {E(string.Join(", ", item.Rows.Take(10)))}{(item.Rows.Count > 10 ? ", …" : "")})");
        }
        writer.Write("</span></div>");
        if (item.Errors.Count > 0)
        {
            writer.Write("<ul class=\"errors\">");
            foreach (var error in item.Errors)
            {
                writer.Write($"<li>{E(error.ToString())}</li>");
            }
            writer.Write("</ul>");
        }
        if (item.Body is { } body)
        {
            writer.Write("<div class=\"body\">");
            WriteBody(writer, item.ActionType, body, item.Extra);
            writer.Write("</div>");
        }
        writer.Write("</article>");
    }

    private static void WriteBody(TextWriter writer, string actionType, JsonObject body, JsonObject? extra)
    {
        switch (actionType)
        {
            case "Survey":
                Title(writer, Text(body, "title"));
                writer.Write("<ol class=\"questions\">");
                foreach (var question in Array(body, "questions"))
                {
                    var type = Text(question, "type");
                    writer.Write($"<li><span class=\"q\">{E(Text(question, "title"))}</span> <span class=\"qtype\">{E(type)}</span>");
                    var options = Array(question, "options").ToList();
                    if (options.Count > 0)
                    {
                        var mark = string.Equals(type, "MultiOption", StringComparison.OrdinalIgnoreCase) ? "☐" : "○";
                        writer.Write("<ul class=\"options\">");
                        foreach (var option in options)
                        {
                            writer.Write($"<li>{mark} {E(Text(option, "title"))}</li>");
                        }
                        writer.Write("</ul>");
                    }
                    writer.Write("</li>");
                }
                writer.Write("</ol>");
                Footer(writer, $"Closes in {Text(body, "dueDate")} h",
                    Flag(body, "isAnonymous", "anonymous"), Flag(body, "isSenderOnly", "results to sender only"),
                    Flag(body, "acceptMultipleResponses", "multiple responses"));
                break;
            case "Job":
                Title(writer, Text(body, "title"));
                writer.Write("<p class=\"label\">Assigned to</p><ul class=\"assignees\">");
                foreach (var phone in Array(body, "assignedTo"))
                {
                    writer.Write($"<li><span class=\"tag\">assignee</span> {E(Scalar(phone))}</li>");
                }
                writer.Write("</ul>");
                Footer(writer, $"Due in {Text(body, "dueDate")} h");
                break;
            case "Poll":
                Title(writer, Text(body, "question"));
                writer.Write("<ul class=\"choices\">");
                foreach (var choice in Array(body, "choices"))
                {
                    var image = Media(choice?["image"]);
                    writer.Write($"<li>○ {E(Text(choice, "title"))}{(image is null ? "" : $" <span class=\"tag\">image</span> <span class=\"file\">{E(image)}</span>")}</li>");
                }
                writer.Write("</ul>");
                Footer(writer, $"Expires in {Text(body, "expiryInHours")} h");
                break;
            case "Announcement":
                Title(writer, Text(body, "title"));
                writer.Write($"<p class=\"message\">{E(Text(body, "message"))}</p>");
                foreach (var media in Array(body, "mediaResources"))
                {
                    writer.Write($"<p><span class=\"tag\">attachment</span> <span class=\"file\">{E(Media(media) ?? "")}</span></p>");
                }
                break;
            case "LetsMeet":
                Title(writer, Text(body, "title"));
                writer.Write($"<p><span class=\"tag\">when</span> {E(Text(body, "startingTime"))} · {E(Text(body, "durationInMins"))} min</p>");
                if (body["place"] is JsonObject place)
                {
                    writer.Write($"<p><span class=\"tag\">where</span> {E(Text(place, "name"))}</p>");
                }
                if (body["agenda"] is not null)
                {
                    writer.Write($"<p class=\"message\">{E(Text(body, "agenda"))}</p>");
                }
                break;
            case "Image" or "Album" or "Audio" or "Document" or "Video":
                var file = Media(body["mediaResource"]) ?? "";
                var extension = Path.GetExtension(file).TrimStart('.').ToUpperInvariant();
                writer.Write($"<div class=\"media {E(actionType.ToLowerInvariant())}\"><span class=\"thumb\">{E(extension.Length > 0 ? extension : actionType)}</span> <span class=\"file\">{E(file)}</span></div>");
                if (body["caption"] is not null)
                {
                    writer.Write($"<p class=\"caption\">{E(Text(body, "caption"))}</p>");
                }
                break;
            default:
                if (body["title"] is not null)
                {
                    Title(writer, Text(body, "title"));
                }
                if (body["properties"] is JsonArray properties)
                {
                    writer.Write("<table class=\"properties\">");
                    foreach (var property in properties)
                    {
                        writer.Write($"<tr><th>{E(Text(property, "name"))}</th><td>{E(Text(property, "value"))}</td><td class=\"qtype\">{E(Text(property, "type"))}</td></tr>");
                    }
                    writer.Write("</table>");
                }
                if (extra?["subscribers"] is JsonArray subscribers)
                {
                    writer.Write($"<p class=\"label\">To {subscribers.Count.ToString(CultureInfo.InvariantCulture)} subscribers</p>");
                }
                break;
        }
    }

    private static void Title(TextWriter writer, string title) => writer.Write($"<h2>{E(title)}</h2>");

    private static void Footer(TextWriter writer, params string?[] parts) =>
        writer.Write($"<p class=\"footer\">{E(string.Join(" · ", parts.Where(p => !string.IsNullOrEmpty(p))))}</p>");

    private static string? Flag(JsonObject body, string name, string label) =>
        body[name] is JsonValue value && value.TryGetValue<bool>(out var on) && on ? label : null;

    private static IEnumerable<JsonNode?> Array(JsonNode? node, string name) =>
        node?[name] as JsonArray ?? [];

    private static string Text(JsonNode? node, string name) => Scalar(node is JsonObject o ? o[name] : null);

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "",
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    /// <summary>A media slot holds either a local file <c>{ "file": ... }</c> (shown by its name) or a mediaResource string.</summary>
    private static string? Media(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o when o["file"] is JsonValue f && f.TryGetValue<string>(out var file) => Path.GetFileName(file),
        _ => Scalar(node),
    };

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    private const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#eef1f5;margin:0;padding:24px;color:#1d2733}
        header h1{margin:0 0 4px;font-size:22px} header p{margin:0 0 16px;color:#5b6675}
        table.summary{border-collapse:collapse;background:#fff;margin-bottom:20px;box-shadow:0 1px 3px #0002}
        table.summary th,table.summary td{padding:6px 12px;border-bottom:1px solid #e3e7ec;text-align:left}
        td.n{text-align:right;color:#98a2af} td.n.new,td.n.changed,td.n.retry,td.n.in-doubt{color:#1d2733;font-weight:600} td.n.invalid{color:#b3261e;font-weight:700}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:16px}
        .card{background:#fff;border-radius:12px;box-shadow:0 1px 4px #0003;padding:14px 16px;border-top:4px solid #5b2d90}
        .card.invalid{border-top-color:#b3261e} .card.unchanged{opacity:.7}
        .meta{font-size:12px;color:#5b6675;display:flex;flex-wrap:wrap;gap:6px;align-items:center}
        .badge{border-radius:8px;padding:1px 8px;background:#e8def8;color:#3b1d66;font-weight:600}
        .badge.invalid{background:#f9dedc;color:#8c1d18} .badge.unchanged{background:#e3e7ec;color:#5b6675}
        .type{font-weight:600;color:#5b2d90} .who{flex-basis:100%}
        h2{font-size:17px;margin:10px 0 8px} .q{font-weight:600} .qtype{font-size:11px;color:#98a2af;margin-left:4px}
        ul{list-style:none;padding-left:12px;margin:4px 0} ol.questions{padding-left:20px}
        .footer{font-size:12px;color:#5b6675;border-top:1px solid #e3e7ec;padding-top:6px;margin-bottom:0}
        .errors{background:#fdf3f2;border-radius:8px;padding:8px 12px;color:#8c1d18;font-size:13px;list-style:disc inside}
        .file{font-family:ui-monospace,monospace;font-size:13px} .media{display:flex;align-items:center;gap:10px;margin:10px 0}
        .thumb{display:inline-flex;align-items:center;justify-content:center;width:64px;height:48px;border-radius:6px;background:#e8def8;color:#3b1d66;font-weight:700;font-size:13px}
        .media.document .thumb{background:#fde7d9;color:#8a3b12} .media.audio .thumb,.media.video .thumb{background:#d9eefd;color:#124a8a}
        .tag{font-size:10px;text-transform:uppercase;letter-spacing:.04em;background:#eef1f5;color:#5b6675;border-radius:4px;padding:1px 5px}
        .label{font-size:12px;color:#5b6675;margin:6px 0 0} .message{white-space:pre-wrap}
        table.properties td,table.properties th{padding:2px 8px;text-align:left;font-size:13px}
        .omitted{color:#5b6675;margin-top:16px}
        """;
}
