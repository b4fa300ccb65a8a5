using System.CommandLine;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using KaizalaBatch.Reports;
using Spectre.Console;

namespace KaizalaBatch.Cli.Commands;

/// <summary><c>kaizala-batch status RUN.yaml</c>: what the ledger holds, per action and state.</summary>
public static class StatusCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var runFile = CommonArguments.RunFile();
        var command = new Command("status", "Show what the run's ledger holds: items per action and state (sent, failed, in-doubt, invalid).") { runFile };
        command.SetAction(parse =>
        {
            if (LedgerAccess.LoadForReading(parse.GetRequiredValue(runFile), error) is not var (run, ledger))
            {
                return ExitCodes.InputUnusable;
            }
            using var _ = ledger;
            if (!ledger.Exists)
            {
                output.WriteLine($"status: {run.Name}: no ledger yet at {ledger.Path}; nothing has been sent.");
                return ExitCodes.Done;
            }
            var states = Enum.GetValues<ItemState>();
            var counts = ledger.CountByState();
            var console = Terminal.Create(output);
            var table = new Table().Title($"status: {Markup.Escape(run.Name)} ({Markup.Escape(ledger.Path)})").Border(TableBorder.Simple);
            table.AddColumn("action");
            foreach (var state in states)
            {
                table.AddColumn(new TableColumn(LedgerExport.StateText(state)).RightAligned());
            }
            foreach (var action in counts.Select(c => c.Action).Distinct())
            {
                table.AddRow([Markup.Escape(action), .. states.Select(s => counts.Where(c => c.Action == action && c.State == s).Sum(c => c.Count).ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            }
            table.AddRow(["[bold]total[/]", .. states.Select(s => counts.Where(c => c.State == s).Sum(c => c.Count).ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            console.Write(table);
            return ExitCodes.Done;
        });
        return command;
    }
}
