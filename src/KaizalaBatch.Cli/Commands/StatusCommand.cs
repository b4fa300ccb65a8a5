using System.CommandLine;
using System.Globalization;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Planning;
using KaizalaBatch.Reports;
using KaizalaBatch.UseCases;
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
            var result = LedgerUseCases.Status(parse.GetRequiredValue(runFile), Host.Quiet, DiagnosticWriter.Printing(error));
            if (result.Run is not { } run || result.ExitCode != ExitCodes.Done)
            {
                return result.ExitCode;
            }
            if (result.Ledger is null)
            {
                output.WriteLine($"status: {run.Name}: no ledger yet at {run.LedgerPath}; nothing has been sent.");
                return ExitCodes.Done;
            }
            var states = Enum.GetValues<ItemState>();
            var counts = result.Counts;
            var table = new Table().Title($"status: {Markup.Escape(run.Name)} ({Markup.Escape(result.Ledger)})").Border(TableBorder.Simple);
            table.AddColumn("action");
            foreach (var state in states)
            {
                table.AddColumn(new TableColumn(LedgerExport.StateText(state)).RightAligned());
            }
            foreach (var action in counts.Select(c => c.Action).Distinct())
            {
                table.AddRow([Markup.Escape(action), .. states.Select(s => N(counts.Where(c => c.Action == action && c.State == s).Sum(c => c.Count)))]);
            }
            table.AddRow(["[bold]total[/]", .. states.Select(s => N(counts.Where(c => c.State == s).Sum(c => c.Count)))]);
            Terminal.Create(output).Write(table);
            if (result.Runners.Count > 0)
            {
                // A shared ledger: who works on the run now (or stopped without leaving: its heartbeat grows old).
                var runners = new Table().Title("runners").Border(TableBorder.Simple);
                foreach (var column in new[] { "host", "pid", "last heartbeat", "items held" })
                {
                    runners.AddColumn(column);
                }
                foreach (var runner in result.Runners)
                {
                    var age = Math.Max(0, (int)(DateTimeOffset.UtcNow - runner.LastHeartbeat).TotalSeconds);
                    runners.AddRow(Markup.Escape(runner.Host), N(runner.ProcessId),
                        $"{runner.LastHeartbeat.ToLocalTime():yyyy-MM-dd HH:mm:ss} ({N(age)} s ago)", N(runner.ItemsHeld));
                }
                Terminal.Create(output).Write(runners);
            }
            return ExitCodes.Done;
        });
        return command;
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
