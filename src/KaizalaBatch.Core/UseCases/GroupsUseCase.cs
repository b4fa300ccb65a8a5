using KaizalaBatch.Api;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Targets;

namespace KaizalaBatch.UseCases;

/// <summary>What <c>groups</c> is asked for.</summary>
/// <param name="Under">Only this group and the groups below it (its GUID).</param>
/// <param name="Members">One row per member instead of one per group.</param>
public sealed record GroupsRequest(string? Under = null, bool Members = false);

/// <summary>What <c>groups</c> read: the CSV (ready for <c>targets:</c>) and how many groups it covers; a note when it
/// stopped or the service would not answer.</summary>
public sealed record GroupsResult(int ExitCode, string? Csv, int Groups, string? Note = null)
{
    /// <summary>False when the run file itself is unusable.</summary>
    public bool RunUsable { get; init; } = true;
}

/// <summary><c>groups</c>: the groups the run file's connection reaches (a subtree; their members) as CSV. Reads the
/// service, paced like every call; sends nothing.</summary>
public static class GroupsUseCase
{
    public static async Task<GroupsResult> ExecuteAsync(string runFilePath, GroupsRequest request, UseCaseHost host, DiagnosticBag diagnostics,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(host);
        var run = RunFileInput.LoadForConnection(runFilePath, host, diagnostics);
        if (run is null)
        {
            return new GroupsResult(ExitCodes.InputUnusable, null, 0) { RunUsable = false };
        }
        var groupId = request.Under is null ? null : Guid.Parse(request.Under).ToString();
        try
        {
            await using var connection = await ServiceConnection.OpenConnectedAsync(run, host, diagnostics, cancellationToken);
            if (connection is null)
            {
                return new GroupsResult(ExitCodes.InputUnusable, null, 0);
            }
            var reader = new GroupReader(connection.Client, run.Limits.MaxAttempts, host.Time);
            var groups = await reader.ReadGroupsAsync(groupId, cancellationToken);
            if (groups.Value is not { } rows)
            {
                return Failed(groups.Failure!, groupId, run.Path, diagnostics);
            }
            var csv = new StringWriter { NewLine = "\n" };
            if (request.Members)
            {
                var perGroup = new List<(GroupRow, IReadOnlyList<GroupMember>)>(rows.Count);
                foreach (var row in rows)
                {
                    var read = await reader.ReadMembersAsync(row.GroupId, cancellationToken);
                    if (read.Value is null)
                    {
                        return Failed(read.Failure!, null, run.Path, diagnostics);
                    }
                    perGroup.Add((row, read.Value));
                }
                GroupCsv.WriteMembers(perGroup, csv);
            }
            else
            {
                GroupCsv.WriteGroups(rows, csv);
            }
            return new GroupsResult(ExitCodes.Done, csv.ToString(), rows.Count);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new GroupsResult(ExitCodes.Stopped, null, 0, "groups stopped; nothing was written.");
        }
    }

    /// <summary>A group that --under names but the connection does not reach is the user's mistake (2); a service that
    /// would not answer, even after retries, leaves the command unfinished (1). Nothing is written either way.</summary>
    private static GroupsResult Failed(ApiOutcome failure, string? under, string runPath, DiagnosticBag diagnostics)
    {
        if (under is not null && failure is Permanent { Status: 404 } missing)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.GroupUnreachable, $"--under {under}: {missing.Message}. Nothing was written.", new SourceLocation(runPath)));
            return new GroupsResult(ExitCodes.InputUnusable, null, 0);
        }
        return new GroupsResult(ExitCodes.SomeItemsFailed, null, 0, $"error: the service did not answer the group calls: {failure}. Nothing was written.");
    }
}
