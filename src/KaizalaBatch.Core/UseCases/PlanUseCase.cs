using System.Text;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;
using KaizalaBatch.Reports;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Targets;

namespace KaizalaBatch.UseCases;

/// <summary>What <c>plan</c> is asked for besides the counts.</summary>
/// <param name="Json">Write every item (action, key, group, state, payload, errors, what changed) as JSON there: a file,
/// or the host's stdout.</param>
/// <param name="HtmlPath">Write the self-contained preview page here.</param>
/// <param name="CheckGroups">Also check online (paced, sends nothing) that every target group is reachable and every Job
/// assignee a member; a miss is an input error.</param>
public sealed record PlanRequest(OutputTarget? Json = null, string? HtmlPath = null, bool CheckGroups = false);

/// <summary>What <c>plan</c> found. <paramref name="Pass"/> is null when the run file or its ledger is unusable.</summary>
/// <param name="GroupsChecked">With <see cref="PlanRequest.CheckGroups"/>: how many valid items' targets were checked and
/// found reachable; null when not asked or not reached.</param>
/// <param name="GroupMisses">With <see cref="PlanRequest.CheckGroups"/>: targets out of reach and assignees who are not
/// members (each an input error in the bag).</param>
public sealed record PlanResult(int ExitCode, RunFile? Run, PlanPassResult? Pass, int? GroupsChecked = null, int GroupMisses = 0)
{
    /// <summary>What changed in the first <see cref="PlanUseCase.ChangesShown"/> changed items since they were sent (the
    /// plan's counts have them all; the JSON plan has every item's).</summary>
    public IReadOnlyList<ItemChanges> Changes { get; init; } = [];
}

/// <summary><c>plan</c>: the dry run. Renders and validates every item, classifies it against the ledger (which it only
/// reads), and optionally writes the JSON plan, the HTML preview, and checks the targets online. Sends nothing.</summary>
public static class PlanUseCase
{
    /// <summary>How many changed items <see cref="PlanResult.Changes"/> shows in full.</summary>
    public const int ChangesShown = 3;

    public static async Task<PlanResult> ExecuteAsync(string runFilePath, PlanRequest request, UseCaseHost host, DiagnosticBag diagnostics,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var run = RunFileInput.Load(runFilePath, host, diagnostics);
        if (run is null)
        {
            return new PlanResult(ExitCodes.InputUnusable, null, null);
        }
        using var ledger = LedgerAccess.OpenForReading(run, host, diagnostics);
        if (ledger is null)
        {
            return new PlanResult(ExitCodes.InputUnusable, run, null);
        }
        PlanJsonWriter? json = null;
        if (request.Json is { } jsonTarget)
        {
            if (jsonTarget.TryOpen("the JSON plan", diagnostics) is not { } stream)
            {
                return new PlanResult(ExitCodes.InputUnusable, run, null);
            }
            json = new PlanJsonWriter(stream, run.Name);
        }
        using (json)
        {
            var sent = new SentChanges(ledger);
            var changes = new List<ItemChanges>();
            var preview = request.HtmlPath is null ? null : new PreviewCollector();
            var targets = request.CheckGroups ? new GroupCheck() : null;
            var pass = PlanPass.Run(run, ledger.Reader(), LedgerAccess.RenderOptions(ledger, host), new PlanOptions(), diagnostics,
                planned =>
                {
                    // Only what is shown is read back and compared: a changed item's body, when the JSON plan or the
                    // first few shown need it.
                    var changed = planned.Category == PlanCategory.Changed && (json is not null || changes.Count < ChangesShown)
                        ? sent.For(planned.Item)
                        : null;
                    if (changed is not null && changes.Count < ChangesShown)
                    {
                        changes.Add(changed);
                    }
                    json?.Write(planned, changed);
                    preview?.Add(planned);
                    targets?.Add(planned.Item);
                },
                cancellationToken);
            var counts = pass.Plan.CountsByAction;
            json?.Complete(counts, pass.InputErrors);
            if (preview is not null && !OutputTarget.File(request.HtmlPath!).TryWrite("the HTML preview", diagnostics, stream =>
                {
                    using var writer = new StreamWriter(stream, new UTF8Encoding(false));
                    preview.Write(writer, run.Name, counts, run.Actions.ToDictionary(a => a.Name, a => a.Type));
                }))
            {
                return new PlanResult(ExitCodes.InputUnusable, run, pass) { Changes = changes };
            }
            if (targets is null || pass.ExitCode == ExitCodes.InputUnusable)
            {
                return new PlanResult(pass.ExitCode, run, pass) { Changes = changes };
            }
            var (failed, checkedItems, misses) = await CheckGroupsAsync(run, targets, host, diagnostics, cancellationToken);
            return new PlanResult(failed ?? pass.ExitCode, run, pass, checkedItems, misses) { Changes = changes };
        }
    }

    /// <summary><c>--check-groups</c>: (null, items checked) when every target is reachable and every assignee a member;
    /// else the exit code.</summary>
    private static async Task<(int? Failed, int? Checked, int Misses)> CheckGroupsAsync(RunFile run, GroupCheck targets, UseCaseHost host,
        DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        await using var connection = await ServiceConnection.OpenConnectedAsync(run, host, diagnostics, cancellationToken);
        if (connection is null)
        {
            return (ExitCodes.InputUnusable, null, 0);
        }
        var columns = run.Actions.ToDictionary(a => a.Name, a => a.Targets.GroupIdColumn, StringComparer.Ordinal);
        var reader = new GroupReader(connection.Client, run.Limits.MaxAttempts, host.Time);
        var checkedTargets = await targets.CheckAsync(reader, columns, cancellationToken);
        if (checkedTargets.Value is not { } misses)
        {
            diagnostics.Add(new Diagnostic(Severity.Warning, DiagnosticCodes.GroupUnreachable,
                $"--check-groups could not read the groups: {checkedTargets.Failure}. Nothing would be sent.", new SourceLocation(run.Path)));
            return (ExitCodes.SomeItemsFailed, null, 0);
        }
        foreach (var miss in misses)
        {
            diagnostics.Add(miss);
        }
        return misses.Count > 0 ? (ExitCodes.InputUnusable, null, misses.Count) : (null, targets.Items, 0);
    }
}
