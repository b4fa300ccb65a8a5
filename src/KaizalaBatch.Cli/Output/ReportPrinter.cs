using System.Globalization;
using KaizalaBatch.Responses;
using Spectre.Console;

namespace KaizalaBatch.Cli.Output;

/// <summary>The report on the terminal: a table per action, then each question's, Job's and Poll's figures.</summary>
public static class ReportPrinter
{
    /// <param name="output">The sentences after the table go here as they are (the console would wrap them at 80 columns
    /// outside a terminal).</param>
    public static void Write(IAnsiConsole console, TextWriter output, Report report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        var table = new Table().Title($"report: {Markup.Escape(report.RunName)}").Border(TableBorder.Simple);
        table.AddColumn("action");
        table.AddColumn("type");
        foreach (var column in new[] { "items sent", "groups answered", "responses", "response rate" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }
        foreach (var action in report.Actions)
        {
            table.AddRow(Markup.Escape(action.Action), action.Type, N(action.ItemsSent), N(action.GroupsAnswered), N(action.Responses), P(action.ResponseRate));
        }
        console.Write(table);
        foreach (var action in report.Actions)
        {
            foreach (var question in action.Questions)
            {
                output.WriteLine($"{action.Action} · Q{question.Index + 1} {question.Title} ({question.Type}, {question.Answered} answers)");
                foreach (var option in question.Options ?? [])
                {
                    output.WriteLine($"    {option.Title}: {option.Count} ({P(option.Share)})");
                }
                if (question.Numbers is { } n)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    count {n.Count} · min {n.Min:0.##} · median {n.Median:0.##} · mean {n.Mean:0.##} · max {n.Max:0.##}"));
                }
                if (question.Answers is { Count: > 0 } answers)
                {
                    output.WriteLine($"    {answers.Count} answers (in the CSV, JSON and HTML exports), e.g. \"{answers[0].Value}\"");
                }
            }
            if (action.Job is { } job)
            {
                output.WriteLine($"{action.Action} · assignees {job.Assignees} · completed {job.Completed} · open {job.Open} · overdue {job.Overdue}");
            }
            foreach (var choice in action.Choices ?? [])
            {
                output.WriteLine($"{action.Action} · {choice.Title}: {choice.Count} ({P(choice.Share)})");
            }
        }
        foreach (var skipped in report.Skipped)
        {
            output.WriteLine($"{skipped.Action}: {skipped.Items} {skipped.Type} items not read: {skipped.Reason}.");
        }
        var reads = report.Reads;
        output.WriteLine($"{reads.Calls} calls ({reads.ListCalls} list, {reads.DetailCalls} details); {reads.FromCache} items unchanged since the last report"
            + (reads.Failed > 0 ? $"; {reads.Failed} items could not be read (their last known responses are shown; see --csv's error column)." : "."));
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string P(double share) => share.ToString("0%", CultureInfo.InvariantCulture);
}
