using System.Globalization;
using System.Net;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Reports;

/// <summary>A count per action and plan class, for the summary table on top of the preview.</summary>
public sealed record PreviewSummaryRow(string Action, string ActionType, IReadOnlyDictionary<string, long> Counts);

/// <summary>Writes the plan as one self-contained HTML page: a summary on top, a filter by action and state, then a card
/// per group of like items (their body as a member would see it, and a table of what varies, one row per item). No
/// external resource; a few lines of script drive the filter, and without script the page shows everything.</summary>
public static class HtmlPreview
{
    public static readonly string[] PlanClasses = Enum.GetValues<PlanCategory>().Select(PlanText.Of).ToArray();

    /// <param name="cards">In the order they are drawn.</param>
    /// <param name="itemsWithoutCard">Items counted in the summary but in no card (more shapes than the page draws).</param>
    public static void Write(TextWriter writer, string runName, IReadOnlyList<PreviewSummaryRow> summary,
        IReadOnlyList<PreviewCard> cards, long itemsWithoutCard)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(cards);
        writer.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        writer.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        writer.Write($"<title>Plan: {E(runName)}</title><style>{PreviewAssets.Css}</style></head><body>");
        writer.Write($"<header><h1>Plan: {E(runName)}</h1><p>Nothing has been sent. This page shows what <code>run</code> would send: ");
        writer.Write("items that differ only in the values their templates fill in share one card, and its table lists each item.</p></header>");
        WriteSummary(writer, summary);
        WriteFilter(writer, summary);
        writer.Write("<main class=\"cards\">");
        var thumbnails = new PreviewThumbnails();
        foreach (var card in cards)
        {
            WriteCard(writer, card, thumbnails);
        }
        writer.Write("</main>");
        if (itemsWithoutCard > 0)
        {
            writer.Write($"<p class=\"omitted\">{E(Counted.Of(itemsWithoutCard, "more item"))} {(itemsWithoutCard == 1 ? "is" : "are")} counted above but in no card: the page draws a limited number of cards.</p>");
        }
        writer.Write($"<script>{PreviewAssets.Script}</script></body></html>\n");
    }

    private static void WriteSummary(TextWriter writer, IReadOnlyList<PreviewSummaryRow> summary)
    {
        // At phone width the type (each card shows it) and the columns of zeros only are left out, so that the rest fits.
        var empty = PlanClasses.Where(c => summary.All(row => row.Counts.GetValueOrDefault(c) == 0)).ToHashSet();
        string Css(string planClass) => empty.Contains(planClass) ? " empty" : "";
        writer.Write("<div class=\"scroll\"><table class=\"summary\"><thead><tr><th>action</th><th class=\"col-type\">type</th>");
        foreach (var planClass in PlanClasses)
        {
            writer.Write($"<th class=\"{planClass}{Css(planClass)}\">{planClass}</th>");
        }
        writer.Write("</tr></thead><tbody>");
        foreach (var row in summary)
        {
            writer.Write($"<tr><td>{E(row.Action)}</td><td class=\"col-type\">{E(row.ActionType)}</td>");
            foreach (var planClass in PlanClasses)
            {
                var count = row.Counts.GetValueOrDefault(planClass);
                // A count links to the cards it stands for (the filter reads the link).
                writer.Write(count > 0
                    ? $"<td class=\"n {planClass}\"><a href=\"#action={Uri.EscapeDataString(row.Action)}&amp;state={planClass}\">{N(count)}</a></td>"
                    : $"<td class=\"n{Css(planClass)}\">0</td>");
            }
            writer.Write("</tr>");
        }
        writer.Write("</tbody></table></div>");
    }

    /// <summary>Checkboxes for the actions and the states the plan has. Hidden until the script shows them: without
    /// script they could not work, and the page shows every card anyway.</summary>
    private static void WriteFilter(TextWriter writer, IReadOnlyList<PreviewSummaryRow> summary)
    {
        writer.Write("<form id=\"filter\" class=\"filter\" hidden><fieldset><legend>action</legend>");
        foreach (var row in summary)
        {
            writer.Write($"<label><input type=\"checkbox\" name=\"action\" value=\"{E(row.Action)}\" checked> {E(row.Action)}</label>");
        }
        writer.Write("</fieldset><fieldset><legend>state</legend>");
        foreach (var planClass in PlanClasses.Where(c => summary.Any(row => row.Counts.GetValueOrDefault(c) > 0)))
        {
            writer.Write($"<label><input type=\"checkbox\" name=\"state\" value=\"{planClass}\" checked> <span class=\"badge {planClass}\">{planClass}</span></label>");
        }
        writer.Write("</fieldset><output id=\"shown\"></output></form>");
    }

    private static void WriteCard(TextWriter writer, PreviewCard card, PreviewThumbnails thumbnails)
    {
        var item = card.First;
        writer.Write($"<article class=\"card {card.PlanClass}\" data-action=\"{E(item.Action)}\" data-state=\"{card.PlanClass}\" data-items=\"{N(card.Count)}\">");
        writer.Write($"<div class=\"meta\"><span class=\"badge {card.PlanClass}\">{card.PlanClass}</span> ");
        writer.Write($"<span class=\"type\">{E(item.ActionType)}{(item.PackageId is null ? "" : " " + E(item.PackageId))}</span> ");
        writer.Write($"<span class=\"who\">{E(item.Action)}: {E(Counted.Of(card.Count, "item"))}</span></div>");
        writer.Write("<div class=\"content\">");
        PreviewMemberView.Write(writer, card, thumbnails);
        writer.Write("<div class=\"items\">");
        if (card.Varying.Any())
        {
            writer.Write("<p class=\"legend\"><mark class=\"varies\">Marked</mark> values vary: the card shows the first item's, the table each item's.</p>");
        }
        WriteTable(writer, card, thumbnails);
        if (card.Count > card.Rows.Count)
        {
            writer.Write($"<p class=\"more\">{E(Counted.Of(card.Count - card.Rows.Count, "more item"))} of this card {(card.Count - card.Rows.Count == 1 ? "is" : "are")} counted but not drawn.</p>");
        }
        writer.Write("</div></div></article>");
    }

    /// <summary>One row per item: its key (when it is not the group id), its group, its CSV rows and each value that
    /// varies (by JSON Pointer); an invalid item's errors in a row of their own beneath it, as wide as the table. Each
    /// cell carries its column's name, so that at phone width the rows can stack as labelled blocks.</summary>
    private static void WriteTable(TextWriter writer, PreviewCard card, PreviewThumbnails thumbnails)
    {
        var varying = card.Varying.ToList();
        var withKey = card.Rows.Any(row => !string.Equals(row.Key, row.GroupId, StringComparison.OrdinalIgnoreCase));
        var columns = (withKey ? 1 : 0) + 2 + varying.Count;
        writer.Write("<div class=\"scroll\"><table class=\"items\"><thead><tr>");
        writer.Write(withKey ? "<th>key</th>" : "");
        writer.Write("<th>group</th><th>CSV row</th>");
        foreach (var leaf in varying)
        {
            // A break opportunity after each slash, so that a deep pointer wraps instead of widening the table.
            writer.Write($"<th class=\"pointer\">{E(card.Pointers[leaf]).Replace("/", "/<wbr>", StringComparison.Ordinal)}</th>");
        }
        writer.Write("</tr></thead>");
        foreach (var row in card.Rows)
        {
            // One tbody per item keeps its errors row with it (and lets the stacked phone layout draw a line between items).
            writer.Write("<tbody><tr>");
            writer.Write(withKey ? $"<td data-label=\"key\">{E(row.Key)}</td>" : "");
            writer.Write("<td class=\"group\" data-label=\"group\">");
            writer.Write(row.GroupName is null ? "" : $"<span class=\"gname\">{E(row.GroupName)}</span> ");
            writer.Write($"<span class=\"gid\">{E(row.GroupId)}</span></td>");
            writer.Write($"<td class=\"rows\" data-label=\"CSV row\">{E(string.Join(", ", row.Rows.Take(10)))}{(row.Rows.Count > 10 ? ", …" : "")}</td>");
            foreach (var leaf in varying)
            {
                var pointer = card.Pointers[leaf];
                var value = row.Values[leaf];
                writer.Write(card.IsLocalFile(leaf)
                    ? $"<td class=\"media-value\" data-label=\"{E(pointer)}\">{thumbnails.Html(value, row.Media.FirstOrDefault(m => m.JsonPath == pointer))}</td>"
                    : $"<td class=\"value\" data-label=\"{E(pointer)}\">{E(value)}</td>");
            }
            writer.Write("</tr>");
            if (row.Errors.Count > 0)
            {
                writer.Write($"<tr class=\"errors\"><td colspan=\"{N(columns)}\"><ul class=\"errors\">");
                foreach (var error in row.Errors)
                {
                    writer.Write($"<li>{E(error.ToString())}</li>");
                }
                writer.Write("</ul></td></tr>");
            }
            writer.Write("</tbody>");
        }
        writer.Write("</table></div>");
    }

    private static string N(long count) => count.ToString(CultureInfo.InvariantCulture);

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
