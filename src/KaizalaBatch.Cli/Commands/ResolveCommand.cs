using System.CommandLine;
using KaizalaBatch.Ledger;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.UseCases;

namespace KaizalaBatch.Cli.Commands;

/// <summary><c>kaizala-batch resolve RUN.yaml --as sent|not-sent [--only ACTION] [--key KEY]</c>: settles in-doubt items by
/// the user's decision, recorded in the ledger with who decided and when.</summary>
public static class ResolveCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var runFile = CommonArguments.RunFile();
        var decision = new Option<string>("--as")
        {
            Description = "sent: the Action is in the group, never post it again; not-sent: it is not, the next run sends it.",
            Required = true,
            HelpName = "sent|not-sent",
        };
        decision.AcceptOnlyFromAmong("sent", "not-sent");
        var only = new Option<string?>("--only") { Description = "Only the in-doubt items of this action.", HelpName = "ACTION" };
        var key = new Option<string?>("--key") { Description = "Only the in-doubt item with this key.", HelpName = "KEY" };
        var command = new Command("resolve",
            "Settle items left in doubt (a request went out, no answer came back, and the service's read-back cannot tell whether it " +
            "created the Action) after checking the groups yourself. Without --only and --key: every in-doubt item.")
        {
            runFile, decision, only, key,
        };
        command.SetAction(parse => Execute(parse.GetRequiredValue(runFile), parse.GetRequiredValue(decision) == "sent" ? Resolution.Sent : Resolution.NotSent,
            parse.GetValue(only), parse.GetValue(key), output, error));
        return command;
    }

    private static int Execute(string runFilePath, Resolution resolution, string? only, string? key, TextWriter output, TextWriter error)
    {
        var result = LedgerUseCases.Resolve(runFilePath, resolution, only, key, Host.Quiet, DiagnosticWriter.Printing(error));
        if (result.Run is not { } run || result.ExitCode != ExitCodes.Done)
        {
            return result.ExitCode;
        }
        if (result.Settled.Count == 0)
        {
            output.WriteLine(LedgerAccess.Exists(run)
                ? $"resolve: nothing in doubt{Filter(only, key)}."
                : $"resolve: {run.Name}: no ledger yet at {run.LedgerPath}; nothing is in doubt.");
            return ExitCodes.Done;
        }
        var word = resolution == Resolution.Sent ? "sent" : "not sent (the next run sends them)";
        output.WriteLine($"resolve: {Counted.Of(result.Settled.Count, "item")} settled as {word}{Filter(only, key)}:");
        foreach (var item in result.Settled)
        {
            output.WriteLine($"  {item.Action}/{item.Key} (group {item.GroupId}, {item.ActionType})");
        }
        return ExitCodes.Done;
    }

    private static string Filter(string? only, string? key) =>
        (only, key) switch
        {
            (null, null) => "",
            (_, null) => $" in action {only}",
            (null, _) => $" with key {key}",
            _ => $" in action {only} with key {key}",
        };
}
