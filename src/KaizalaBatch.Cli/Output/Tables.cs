using System.Globalization;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Sending;
using Spectre.Console;

namespace KaizalaBatch.Cli.Output;

/// <summary>The plan, run and status tables: readable at 80 columns (short headers, a legend under the table), a total
/// row, and every action of the run file in its order, those that have nothing this time too.</summary>
public static class Tables
{
    private static Table Create(string title, params string[] columns)
    {
        var table = new Table().Title(title).Border(TableBorder.Simple);
        foreach (var column in columns)
        {
            // Numbers right-aligned and padded on the left only: nine columns fit 80 with a 17-character action name.
            table.AddColumn(column == columns[0] ? new TableColumn(column) : new TableColumn(column).RightAligned().Padding(1, 0, 0, 0));
        }
        return table;
    }

    /// <summary>What the short headers mean, one per line.</summary>
    private static void Legend(IAnsiConsole console, params string[] lines)
    {
        foreach (var line in lines)
        {
            console.MarkupLine($"[grey]  {Markup.Escape(line)}[/]");
        }
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>plan</c>: per action, how many items are new, unchanged, changed, to retry, in doubt, invalid.</summary>
    public static void Plan(IAnsiConsole console, RunFile run, Plan plan, int inputErrors)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(plan);
        var table = Create($"plan: {Markup.Escape(run.Name)} (nothing sent)", "action", "type", "new", "same", "changed", "retry", "doubt", "invalid");
        var counts = plan.CountsByAction.ToDictionary(p => p.Key, p => p.Value);
        foreach (var action in run.Actions)
        {
            var c = counts.GetValueOrDefault(action.Name) ?? PlanCounts.Zero;
            table.AddRow(Markup.Escape(action.Name), Markup.Escape(action.Type), N(c.New), N(c.Unchanged), N(c.Changed), N(c.Retry), N(c.InDoubt),
                c.Invalid > 0 ? $"[red]{c.Invalid}[/]" : "0");
        }
        var t = plan.Totals;
        table.AddRow("[bold]total[/]", "", N(t.New), N(t.Unchanged), N(t.Changed), N(t.Retry), N(t.InDoubt), N(t.Invalid));
        console.Write(table);
        Legend(console, "same: sent before, unchanged", "changed: content changed since sent (run --resend-changed sends it)",
            "doubt: sent, no answer: a run reconciles it first");
        if (inputErrors > 0)
        {
            console.MarkupLine($"[red]{Markup.Escape(Diagnostics.Counted.Of(inputErrors, "input error"))}[/]: fix them first; nothing would be sent.");
        }
    }

    /// <summary><c>run</c>: per action, what this run did, what it passed by, and what it left for the next run.</summary>
    public static void Run(IAnsiConsole console, RunFile run, Plan plan, RunSummary? summary, bool resendChanged, IReadOnlySet<string>? only)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(plan);
        var table = Create($"run: {Markup.Escape(run.Name)}", "action", "sent", "recon", "failed", "doubt", "invalid", "same", "changed", "left");
        var counts = plan.CountsByAction.ToDictionary(p => p.Key, p => p.Value);
        int[] totals = new int[8];
        foreach (var action in run.Actions)
        {
            if (only is not null && !only.Contains(action.Name))
            {
                table.AddRow([$"[grey]{Markup.Escape(action.Name)}[/]", .. Enumerable.Repeat("[grey]-[/]", 8)]);
                continue;
            }
            var c = counts.GetValueOrDefault(action.Name) ?? PlanCounts.Zero;
            var r = summary?.Actions.FirstOrDefault(a => a.Action == action.Name);
            var handled = r is null ? 0 : r.Sent + r.Reconciled + r.Failed + r.InDoubt + r.Invalid;
            // Left for the next run: what this run was to do and did not get to (it stopped, or --limit held it back).
            var left = c.New + c.Retry + (resendChanged ? c.Changed : 0) + c.InDoubt + c.Invalid - handled;
            int[] row = [r?.Sent ?? 0, r?.Reconciled ?? 0, r?.Failed ?? 0, r?.InDoubt ?? 0, r?.Invalid ?? (summary is null ? c.Invalid : 0),
                c.Unchanged, resendChanged ? 0 : c.Changed, Math.Max(0, left)];
            for (var i = 0; i < row.Length; i++)
            {
                totals[i] += row[i];
            }
            table.AddRow([Markup.Escape(action.Name), .. row.Select(N)]);
        }
        table.AddRow(["[bold]total[/]", .. totals.Select(N)]);
        console.Write(table);
        Legend(console, "recon: found by the read-back, not sent again", "doubt: no answer; see `status` and `resolve`",
            "same: sent before, unchanged", "changed: content changed since sent, not sent (--resend-changed)", "left: not started; the next run takes them");
        if (only is not null && run.Actions.Any(a => !only.Contains(a.Name)))
        {
            Legend(console, "-: not selected by --only");
        }
    }

    /// <summary><c>status</c>: per action, what the ledger holds, and what it has no record of yet.</summary>
    public static void Status(IAnsiConsole console, RunFile run, string ledger, IReadOnlyList<StateCount> counts, IReadOnlyDictionary<string, int>? notStarted)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(counts);
        var table = Create($"status: {Markup.Escape(run.Name)}", "action", "sent", "failed", "doubt", "invalid", "not started", "total");
        int Count(string? action, params ItemState[] states) =>
            counts.Where(c => (action is null || c.Action == action) && states.Contains(c.State)).Sum(c => c.Count);
        var actions = run.Actions.Select(a => a.Name).Concat(counts.Select(c => c.Action)).Distinct(StringComparer.Ordinal).ToList();
        int[] totals = new int[6];
        foreach (var action in actions)
        {
            // An item the ledger holds as New never had a request leave: it is not started, as those it has no record of.
            var waiting = Count(action, ItemState.New) + (notStarted?.GetValueOrDefault(action) ?? 0);
            int[] row = [Count(action, ItemState.Sent), Count(action, ItemState.Failed), Count(action, ItemState.InDoubt), Count(action, ItemState.Invalid), waiting];
            row = [.. row, row.Sum()];
            for (var i = 0; i < row.Length; i++)
            {
                totals[i] += row[i];
            }
            var name = run.Actions.Any(a => a.Name == action) ? Markup.Escape(action) : $"[grey]{Markup.Escape(action)} (not in the run file)[/]";
            table.AddRow([name, .. row.Select(N)]);
        }
        table.AddRow(["[bold]total[/]", .. totals.Select(N)]);
        console.Write(table);
        console.MarkupLine($"[grey]ledger: {Markup.Escape(ledger)}[/]");
        Legend(console, "doubt: no answer; settle with `resolve`", notStarted is null
            ? "not started: only what the ledger holds; the run file's items cannot be counted now (`validate` says why)"
            : "not started: items of the run file that no run has taken yet");
    }

    /// <summary><c>status</c> of a shared ledger: who works on the run now (or stopped without leaving: its heartbeat grows old).</summary>
    public static void Runners(IAnsiConsole console, IReadOnlyList<RunnerInfo> runners)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(runners);
        if (runners.Count == 0)
        {
            return;
        }
        var table = Create("runners", "host", "pid", "last heartbeat", "items held");
        foreach (var runner in runners)
        {
            var age = Math.Max(0, (int)(DateTimeOffset.UtcNow - runner.LastHeartbeat).TotalSeconds);
            table.AddRow(Markup.Escape(runner.Host), N(runner.ProcessId),
                $"{runner.LastHeartbeat.ToLocalTime():yyyy-MM-dd HH:mm:ss} ({N(age)} s ago)", N(runner.ItemsHeld));
        }
        console.Write(table);
    }
}
