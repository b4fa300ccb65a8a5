using System.CommandLine;
using System.Text;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;
using KaizalaBatch.Reports;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Targets;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace KaizalaBatch.Cli.Commands;

/// <summary><c>kaizala-batch plan RUN.yaml</c>: the dry run. Renders and validates everything, compares it with the
/// ledger and prints the counts; sends nothing and writes nothing to the ledger.</summary>
public static class PlanCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var runFile = CommonArguments.RunFile();
        var json = new Option<FileInfo?>("--json") { Description = "Write every item (action, key, group, state, payload, errors) to this JSON file." };
        var html = new Option<FileInfo?>("--html") { Description = "Write a self-contained page that shows each item as the card a group member would see." };
        var checkGroups = new Option<bool>("--check-groups") { Description = "Also check online (paced, sends nothing) that every target group is reachable and every Job assignee a member; a miss is an input error." };
        var command = new Command("plan", "The dry run: render and validate every item, compare with the ledger, print how many are new, unchanged, changed, retry, in-doubt and invalid per action. Sends nothing, writes nothing to the ledger.")
        {
            runFile, json, html, checkGroups,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!parse.GetValue(checkGroups))
            {
                return Execute(parse.GetRequiredValue(runFile), parse.GetValue(json), parse.GetValue(html), output, error, cancellationToken);
            }
            using var loggers = Logging.Create(parse);
            return await ExecuteAsync(parse.GetRequiredValue(runFile), parse.GetValue(json), parse.GetValue(html), output, error, loggers, cancellationToken);
        });
        return command;
    }

    /// <summary>Shared with <c>run --dry-run</c>: offline, it completes synchronously.</summary>
    public static int Execute(string runFilePath, FileInfo? json, FileInfo? html, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        ExecuteAsync(runFilePath, json, html, output, error, null, cancellationToken).GetAwaiter().GetResult();

    /// <param name="checkGroups">When set, <c>--check-groups</c>: after the offline plan, the online check of the targets.</param>
    private static async Task<int> ExecuteAsync(string runFilePath, FileInfo? json, FileInfo? html, TextWriter output, TextWriter error,
        ILoggerFactory? checkGroups, CancellationToken cancellationToken)
    {
        var diagnostics = new DiagnosticWriter(error);
        var run = RunInput.Load(runFilePath, diagnostics);
        if (run is null)
        {
            output.WriteLine($"plan: the run file is unusable ({Counted.Of(diagnostics.Errors, "error")}); nothing would be sent.");
            return ExitCodes.InputUnusable;
        }
        using var ledger = LedgerAccess.OpenForReading(run, error);
        if (ledger is null)
        {
            return ExitCodes.InputUnusable;
        }
        PlanJsonWriter? jsonWriter = null;
        try
        {
            jsonWriter = json is null ? null : new PlanJsonWriter(File.Create(json.FullName), run.Name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{json!.FullName}: error: cannot write the JSON plan: {ex.Message}");
            return ExitCodes.InputUnusable;
        }
        using (jsonWriter)
        {
            var preview = html is null ? null : new PreviewCollector();
            var targets = checkGroups is null ? null : new GroupCheck();
            var result = PlanPass.Run(run, ledger.Reader(), LedgerAccess.RenderOptions(ledger), new PlanOptions(), diagnostics,
                planned =>
                {
                    jsonWriter?.Write(planned);
                    preview?.Add(planned);
                    targets?.Add(planned.Item);
                },
                cancellationToken);
            var counts = result.Plan.CountsByAction;
            jsonWriter?.Complete(counts, result.InputErrors);
            if (preview is not null)
            {
                try
                {
                    using var writer = new StreamWriter(html!.FullName, false, new UTF8Encoding(false));
                    preview.Write(writer, run.Name, counts, run.Actions.ToDictionary(a => a.Name, a => a.Type));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"{html!.FullName}: error: cannot write the HTML preview: {ex.Message}");
                    return ExitCodes.InputUnusable;
                }
            }
            WriteCounts(output, run.Name, counts, run.Actions.ToDictionary(a => a.Name, a => a.Type), result);
            WriteReadBackAmbiguities(error, result.Plan);
            if (targets is not null && result.ExitCode != ExitCodes.InputUnusable)
            {
                return await CheckGroupsAsync(run, targets, checkGroups!, output, error, cancellationToken) is { } failed ? failed : result.ExitCode;
            }
            return result.ExitCode;
        }
    }

    /// <summary><c>--check-groups</c>: null when every target is reachable (and every assignee a member), else the exit code.</summary>
    private static async Task<int?> CheckGroupsAsync(RunFile run, GroupCheck targets, ILoggerFactory loggers, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        await using var connection = await ServiceConnection.OpenConnectedAsync(run, loggers, error, cancellationToken);
        if (connection is null)
        {
            return ExitCodes.InputUnusable;
        }
        var columns = run.Actions.ToDictionary(a => a.Name, a => a.Targets.GroupIdColumn, StringComparer.Ordinal);
        var reader = new GroupReader(connection.Client, run.Limits.MaxAttempts, TimeProvider.System);
        var checkedTargets = await targets.CheckAsync(reader, columns, cancellationToken);
        if (checkedTargets.Value is not { } misses)
        {
            await error.WriteLineAsync($"error: --check-groups could not read the groups: {checkedTargets.Failure}. Nothing would be sent.");
            return ExitCodes.SomeItemsFailed;
        }
        var diagnostics = new DiagnosticWriter(error);
        foreach (var miss in misses)
        {
            diagnostics.Write(miss);
        }
        if (misses.Count > 0)
        {
            await output.WriteLineAsync($"check-groups: {misses.Count} input errors (groups out of reach, assignees who are not members): fix them first; nothing would be sent.");
            return ExitCodes.InputUnusable;
        }
        await output.WriteLineAsync($"check-groups: every target group of the {targets.Items} valid items is reachable and every Job assignee is a member.");
        return null;
    }

    private static void WriteCounts(TextWriter output, string runName, IReadOnlyList<KeyValuePair<string, PlanCounts>> counts,
        IReadOnlyDictionary<string, string> types, PlanPassResult result)
    {
        var console = Terminal.Create(output);
        var table = new Table().Title($"plan: {Markup.Escape(runName)} (nothing sent)").Border(TableBorder.Simple);
        table.AddColumn("action");
        table.AddColumn("type");
        var categories = Enum.GetValues<PlanCategory>();
        foreach (var category in categories)
        {
            table.AddColumn(new TableColumn(PlanText.Of(category)).RightAligned());
        }
        foreach (var (action, c) in counts)
        {
            table.AddRow([Markup.Escape(action), Markup.Escape(types.GetValueOrDefault(action, "")),
                .. categories.Select(category => category == PlanCategory.Invalid && c.Invalid > 0 ? $"[red]{c.Invalid}[/]" : N(c[category]))]);
        }
        var t = result.Plan.Totals;
        table.AddRow(["[bold]total[/]", "", .. categories.Select(category => N(t[category]))]);
        console.Write(table);
        if (result.InputErrors > 0)
        {
            console.MarkupLine($"[red]{Counted.Of(result.InputErrors, "input error")}[/]: fix them first; nothing would be sent.");
        }
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
