using System.CommandLine;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;
using KaizalaBatch.Reports;
using KaizalaBatch.UseCases;
using Spectre.Console;

namespace KaizalaBatch.Cli.Commands;

/// <summary><c>kaizala-batch plan RUN.yaml</c>: the dry run. Renders and validates everything, compares it with the
/// ledger and prints the counts; sends nothing and writes nothing to the ledger.</summary>
public static class PlanCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var runFile = CommonArguments.RunFile();
        var json = new Option<string?>("--json") { Description = "Write every item (action, key, group, state, payload, errors, what changed) to this JSON file; - writes it to stdout (the table then goes to stderr)." };
        var html = new Option<FileInfo?>("--html") { Description = "Write a self-contained page that shows each item as the card a group member would see." };
        var checkGroups = new Option<bool>("--check-groups") { Description = "Also check online (paced, sends nothing) that every target group is reachable and every Job assignee a member; a miss is an input error." };
        var command = new Command("plan", "The dry run: render and validate every item, compare with the ledger, print how many are new, unchanged, changed, retry, in-doubt and invalid per action. Sends nothing, writes nothing to the ledger.")
        {
            runFile, json, html, checkGroups,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var loggers = Logging.Create(parse);
            var request = new PlanRequest(MachineOutput.Target(parse.GetValue(json)), parse.GetValue(html)?.FullName, parse.GetValue(checkGroups));
            return await ExecuteAsync(parse.GetRequiredValue(runFile), request, Host.For(loggers), output, error, cancellationToken);
        });
        return command;
    }

    /// <summary>Shared with <c>run --dry-run</c>.</summary>
    public static async Task<int> ExecuteAsync(string runFilePath, PlanRequest request, UseCaseHost host, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        // With the JSON plan on stdout, nothing else may go there: `plan --json - | jq` must read JSON alone.
        output = MachineOutput.IsStdout(request.Json) ? error : output;
        var diagnostics = DiagnosticWriter.Printing(error);
        var result = await PlanUseCase.ExecuteAsync(runFilePath, request, host, diagnostics, cancellationToken);
        diagnostics.WriteOmittedNote(error);
        if (result.Run is not { } run)
        {
            output.WriteLine($"plan: the run file is unusable ({Counted.Of(diagnostics.Errors, "error")}); nothing would be sent.");
            return result.ExitCode;
        }
        if (result.Pass is not { } pass)
        {
            return result.ExitCode;
        }
        Tables.Plan(Terminal.Create(output), run, pass.Plan, pass.InputErrors);
        ChangesPrinter.Write(output, result.Changes, pass.Plan.Totals.Changed);
        WriteReadBackAmbiguities(error, pass.Plan);
        if (result.GroupMisses > 0)
        {
            output.WriteLine($"check-groups: {result.GroupMisses} input errors (groups out of reach, assignees who are not members): fix them first; nothing would be sent.");
        }
        else if (result.GroupsChecked is { } items)
        {
            output.WriteLine($"check-groups: every target group of the {items} valid items is reachable and every Job assignee is a member.");
        }
        return result.ExitCode;
    }

    /// <summary>Warns, before anything is sent, of items the service's read-back could not tell apart (SPEC section 2).</summary>
    internal static void WriteReadBackAmbiguities(TextWriter error, Plan plan)
    {
        foreach (var line in plan.ReadBackAmbiguities)
        {
            error.WriteLine($"warning: {line}. If an answer to one is lost, it stays in doubt until `resolve`; a distinct title avoids this.");
        }
        if (plan.ReadBackAmbiguityCount > plan.ReadBackAmbiguities.Count)
        {
            error.WriteLine($"warning: {plan.ReadBackAmbiguityCount - plan.ReadBackAmbiguities.Count} more items like these.");
        }
    }

    private static string N(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
