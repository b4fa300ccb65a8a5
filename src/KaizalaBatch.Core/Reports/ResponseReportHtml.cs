using System.Globalization;
using System.Net;
using KaizalaBatch.Responses;

namespace KaizalaBatch.Reports;

/// <summary>The report as one self-contained HTML page (<c>--html</c>): no external script, style or font. Per action a
/// summary, a bar chart (inline SVG) per option question, Poll and Job, the numbers of a Numeric question, the answers of
/// the others; then the per-group table, sortable by clicking a header (or by <c>#sort=COLUMN</c> or
/// <c>#sort=-COLUMN</c> in the address, which is how a test drives it).</summary>
public static class ResponseReportHtml
{
    private const int MaxAnswersShown = 200;

    public static void Write(TextWriter writer, Report report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        writer.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        writer.Write($"<title>Responses: {E(report.RunName)}</title><style>{Css}</style></head><body>");
        writer.Write($"<header><h1>Responses: {E(report.RunName)}</h1><p>Read back {E(ResponseReportFiles.Time(report.GeneratedAt))}: "
            + $"{report.Reads.Calls.ToString(CultureInfo.InvariantCulture)} calls, {report.Reads.FromCache.ToString(CultureInfo.InvariantCulture)} items unchanged since the last report"
            + (report.Reads.Failed > 0 ? $", <b>{report.Reads.Failed.ToString(CultureInfo.InvariantCulture)} items could not be read</b>" : "") + ".</p></header>");
        writer.Write("<table class=\"summary\"><thead><tr><th>action</th><th>type</th><th>items sent</th><th>groups answered</th><th>responses</th><th>response rate</th></tr></thead><tbody>");
        foreach (var action in report.Actions)
        {
            writer.Write($"<tr><td>{E(action.Action)}</td><td>{E(action.Type)}</td><td class=\"n\">{I(action.ItemsSent)}</td><td class=\"n\">{I(action.GroupsAnswered)}</td>"
                + $"<td class=\"n\">{I(action.Responses)}</td><td class=\"n\">{P(action.ResponseRate)}</td></tr>");
        }
        writer.Write("</tbody></table>");
        foreach (var skipped in report.Skipped)
        {
            writer.Write($"<p class=\"note\">{E(skipped.Action)} ({I(skipped.Items)} {E(skipped.Type)} items): {E(skipped.Reason)}.</p>");
        }
        foreach (var action in report.Actions)
        {
            WriteAction(writer, action);
        }
        WriteItems(writer, report.Items);
        writer.Write($"<script>{Script}</script></body></html>\n");
    }

    private static void WriteAction(TextWriter writer, ActionReport action)
    {
        writer.Write($"<section class=\"action\"><h2>{E(action.Action)} <small>{E(action.Type)}</small></h2>");
        foreach (var question in action.Questions)
        {
            writer.Write($"<div class=\"question\"><h3>{I(question.Index + 1)}. {E(question.Title)} <small>{E(question.Type)} · {I(question.Answered)} answers</small></h3>");
            if (question.Options is { } options)
            {
                Chart(writer, options);
            }
            else if (question.Numbers is { } n)
            {
                writer.Write($"<p class=\"numbers\">count {I(n.Count)} · min {D(n.Min)} · median {D(n.Median)} · mean {D(n.Mean)} · max {D(n.Max)}</p>");
            }
            else if (question.Answers is { Count: > 0 } answers)
            {
                writer.Write("<ul class=\"answers\">");
                foreach (var answer in answers.Take(MaxAnswersShown))
                {
                    writer.Write($"<li><span class=\"key\">{E(answer.Key)}</span> {E(answer.Value)}</li>");
                }
                writer.Write(answers.Count > MaxAnswersShown ? $"<li>… {I(answers.Count - MaxAnswersShown)} more in the JSON export</li></ul>" : "</ul>");
            }
            writer.Write("</div>");
        }
        if (action.Job is { } job)
        {
            writer.Write("<div class=\"question\"><h3>Assignments</h3>");
            Chart(writer, [new OptionCount("completed", job.Completed, Share(job.Completed, job.Assignees)),
                new OptionCount("open", job.Open, Share(job.Open, job.Assignees)), new OptionCount("overdue", job.Overdue, Share(job.Overdue, job.Assignees))]);
            writer.Write($"<p class=\"numbers\">{I(job.Assignees)} assignees</p></div>");
        }
        if (action.Choices is { } choices)
        {
            writer.Write("<div class=\"question\"><h3>Choices</h3>");
            Chart(writer, choices);
            writer.Write("</div>");
        }
        writer.Write("</section>");
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;

    /// <summary>Horizontal bars, one per option, with its count and share.</summary>
    private static void Chart(TextWriter writer, IReadOnlyList<OptionCount> options)
    {
        const int row = 26, label = 220, bar = 360;
        writer.Write($"<svg class=\"chart\" role=\"img\" width=\"{label + bar + 110}\" height=\"{options.Count * row + 4}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (var i = 0; i < options.Count; i++)
        {
            var option = options[i];
            var y = i * row + 2;
            var width = Math.Max(option.Share * bar, option.Count > 0 ? 2 : 0);
            writer.Write($"<text x=\"{label - 8}\" y=\"{y + 17}\" text-anchor=\"end\">{E(Clip(option.Title))}</text>");
            writer.Write($"<rect class=\"track\" x=\"{label}\" y=\"{y + 3}\" width=\"{bar}\" height=\"18\" rx=\"3\"/>");
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{label}\" y=\"{y + 3}\" width=\"{width:0.#}\" height=\"18\" rx=\"3\"/>"));
            writer.Write($"<text x=\"{label + bar + 8}\" y=\"{y + 17}\">{I(option.Count)} · {P(option.Share)}</text>");
        }
        writer.Write("</svg>");
    }

    private static string Clip(string text) => text.Length > 32 ? text[..31] + "…" : text;

    private static void WriteItems(TextWriter writer, IReadOnlyList<ItemReport> items)
    {
        var columns = items.SelectMany(i => i.Columns.Select(c => c.Key))
            .Where(c => !string.Equals(c, "groupId", StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal).ToList();
        writer.Write("<h2>Per group</h2><table id=\"items\" class=\"items\"><thead><tr>");
        foreach (var (name, kind) in new[] { ("action", "text"), ("key", "text"), ("groupId", "text"), ("responses", "number"), ("lastResponse", "text") }
                     .Concat(columns.Select(c => (c, "text"))))
        {
            writer.Write($"<th data-column=\"{E(name)}\" data-kind=\"{kind}\" title=\"sort\">{E(name)}</th>");
        }
        writer.Write("</tr></thead><tbody>");
        foreach (var item in items)
        {
            var values = item.Columns.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
            var css = item.Error is not null ? " class=\"error\"" : item.Responses is 0 ? " class=\"none\"" : "";
            writer.Write($"<tr{css}><td>{E(item.Action)}</td><td>{E(item.Key)}</td><td class=\"id\">{E(item.GroupId)}</td>");
            writer.Write($"<td class=\"n\">{(item.Responses is { } n ? I(n) : "–")}</td><td>{E(ResponseReportFiles.Time(item.LastResponseAt))}</td>");
            foreach (var column in columns)
            {
                writer.Write($"<td>{E(values.GetValueOrDefault(column) ?? "")}</td>");
            }
            writer.Write("</tr>");
        }
        writer.Write("</tbody></table>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string I(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string D(double n) => n.ToString("0.##", CultureInfo.InvariantCulture);

    private static string P(double share) => share.ToString("0%", CultureInfo.InvariantCulture);

    private const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1f2328;background:#f6f7f9}
        h1{margin:0 0 4px;font-size:24px}h2{font-size:19px;margin:28px 0 10px}h2 small,h3 small{color:#656d76;font-weight:normal;font-size:13px}
        h3{font-size:15px;margin:14px 0 6px}header p,.note{color:#656d76}
        table{border-collapse:collapse;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        th,td{padding:5px 10px;border-bottom:1px solid #e4e7eb;text-align:left;font-size:13px}td.n{text-align:right}
        th{background:#eef1f4}table.items th{cursor:pointer;user-select:none}table.items th.asc::after{content:" ▲"}table.items th.desc::after{content:" ▼"}
        td.id{font-family:ui-monospace,monospace;font-size:12px}tr.none td{color:#8c959f}tr.error td{background:#fff1f0}
        section.action{background:#fff;border-radius:8px;padding:4px 18px 12px;margin:18px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        svg.chart text{font-size:13px;fill:#1f2328}svg.chart rect.track{fill:#eef1f4}svg.chart rect.bar{fill:#5b5fc7}
        .numbers{font-variant-numeric:tabular-nums}ul.answers{max-height:180px;overflow:auto;font-size:13px}span.key{color:#656d76;margin-right:6px}
        """;

    /// <summary>Sorts the per-group table by a header click, or by <c>#sort=column</c> / <c>#sort=-column</c> on load.</summary>
    private const string Script = """
        (function(){
          var table=document.getElementById('items');if(!table)return;
          var heads=Array.prototype.slice.call(table.tHead.rows[0].cells);
          function sort(index,descending){
            var kind=heads[index].getAttribute('data-kind'),body=table.tBodies[0];
            var rows=Array.prototype.slice.call(body.rows);
            rows.sort(function(a,b){
              var x=a.cells[index].textContent,y=b.cells[index].textContent,r;
              if(kind==='number'){r=(parseFloat(x.replace(/,/g,''))||0)-(parseFloat(y.replace(/,/g,''))||0);}else{r=x.localeCompare(y);}
              return descending?-r:r;});
            rows.forEach(function(row){body.appendChild(row);});
            heads.forEach(function(h,i){h.className=i===index?(descending?'desc':'asc'):'';});
          }
          heads.forEach(function(head,index){head.addEventListener('click',function(){sort(index,head.className==='asc');});});
          var m=/sort=(-?)([^&]+)/.exec(location.hash);
          if(m){heads.forEach(function(h,i){if(h.getAttribute('data-column')===decodeURIComponent(m[2]))sort(i,m[1]==='-');});}
        })();
        """;
}
