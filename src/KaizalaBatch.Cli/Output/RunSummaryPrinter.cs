using System.Globalization;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Sending;
using KaizalaBatch.UseCases;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace KaizalaBatch.Cli.Output;

/// <summary>What a run prints at its end: the table, then in plain sentences what was left, what stays in doubt, what
/// changed and was not sent, and the items that failed or stayed in doubt with their reasons.</summary>
public static class RunSummaryPrinter
{
    public static void Write(TextWriter output, RunFile run, Plan plan, RunSummary? summary, RunRequest request)
    {
        var console = Terminal.Create(output);
        Tables.Run(console, run, plan, summary, request.ResendChanged, request.Only);
        // Sentences go to the writer as they are: the console would wrap them at 80 columns, mid-command.
        if (summary is { NotStarted: > 0 })
        {
            output.WriteLine(summary.NotStarted == 1
                ? "1 item was not started; the next run takes it."
                : $"{summary.NotStarted} items were not started; the next run takes them.");
        }
        if (summary is { InDoubt: > 0 })
        {
            var count = summary.InDoubt == 1 ? "1 item stays" : $"{summary.InDoubt} items stay";
            output.WriteLine($"{count} in doubt: a request went out and no answer came back, and the service's read-back cannot "
                + "tell whether it created the Action (some types cannot be listed at all). Check those groups, then settle them with "
                + $"`resolve {Path.GetFileName(run.Path)} --as sent` or `--as not-sent` (the next run then sends them); `status` lists them.");
        }
        var changed = request.ResendChanged ? 0 : plan.Totals.Changed;
        if (summary is null)
        {
            output.WriteLine(plan.Totals.Total == 0
                ? "Nothing to send: no CSV row became an item (see the warnings above)."
                : changed > 0
                ? $"Nothing to send: the ledger has every item; {Counted.Of(changed, "item")} changed since sent (--resend-changed sends them)."
                : "Nothing to send: the ledger has every item, unchanged.");
        }
        else if (changed > 0)
        {
            output.WriteLine($"{Counted.Of(changed, "item")} changed since sent {(changed == 1 ? "was" : "were")} not sent: "
                + "--resend-changed sends them (`plan` shows what changed).");
        }
    }

    /// <summary>The items that failed or stayed in doubt, with their reasons, in one place after the table (the log has
    /// them scattered among the rest).</summary>
    public static void WriteFailures(TextWriter output, IReadOnlyList<ItemOutcome> listed, int count)
    {
        if (count == 0)
        {
            return;
        }
        output.WriteLine($"{Counted.Of(count, "item")} failed or stayed in doubt:");
        foreach (var item in listed)
        {
            output.WriteLine($"  {item.Action}/{item.Key} (group {item.GroupId}): {(item.Result == ItemResult.InDoubt ? "in doubt" : "failed")}: {item.Reason}");
        }
        if (count > listed.Count)
        {
            output.WriteLine($"  and {count - listed.Count} more: `export` lists all.");
        }
    }
}
