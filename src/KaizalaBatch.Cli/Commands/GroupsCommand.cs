using System.CommandLine;
using System.Text;
using KaizalaBatch.Api;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Targets;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Cli.Commands;

/// <summary><c>kaizala-batch groups RUN.yaml [--under GROUPID] [--members] [--out FILE]</c>: the groups the run file's
/// connection reaches (a subtree; their members) as a CSV ready for <c>targets:</c>.</summary>
public static class GroupsCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var runFile = CommonArguments.RunFile();
        var under = new Option<string?>("--under") { Description = "Only this group and the groups below it (its GUID)." };
        var members = new Option<bool>("--members") { Description = "One row per member instead: groupId,groupName,mobileNumber,role." };
        var outFile = new Option<FileInfo?>("--out") { Description = "Write the CSV to this file instead of stdout." };
        under.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && !Guid.TryParse(text, out _))
            {
                result.AddError($"--under takes a group's GUID, not '{text}'.");
            }
        });
        var command = new Command("groups", "List the groups the run file's connection reaches, as a CSV ready for targets: groupId,groupName,parentGroupId,level,memberCount (depth first). Reads the service (paced like every call); sends nothing.")
        {
            runFile, under, members, outFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var loggers = Logging.Create(parse);
            return await ExecuteAsync(parse.GetRequiredValue(runFile), parse.GetValue(under), parse.GetValue(members), parse.GetValue(outFile),
                loggers, output, error, cancellationToken);
        });
        return command;
    }

    private static async Task<int> ExecuteAsync(string runFilePath, string? under, bool withMembers, FileInfo? outFile, ILoggerFactory loggers,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var diagnostics = new DiagnosticWriter(error);
        var run = RunInput.LoadForConnection(runFilePath, diagnostics);
        if (run is null)
        {
            await output.WriteLineAsync($"groups: the run file is unusable ({diagnostics.Errors} errors); nothing was read.");
            return ExitCodes.InputUnusable;
        }
        var groupId = under is null ? null : Guid.Parse(under).ToString();
        try
        {
            await using var connection = await ServiceConnection.OpenConnectedAsync(run, loggers, error, cancellationToken);
            if (connection is null)
            {
                return ExitCodes.InputUnusable;
            }
            var reader = new GroupReader(connection.Client, run.Limits.MaxAttempts, TimeProvider.System);
            var groups = await reader.ReadGroupsAsync(groupId, cancellationToken);
            if (groups.Value is not { } rows)
            {
                return await FailedAsync(error, groups.Failure!, groupId);
            }
            var csv = new StringWriter { NewLine = "\n" };
            if (withMembers)
            {
                var perGroup = new List<(GroupRow, IReadOnlyList<GroupMember>)>(rows.Count);
                foreach (var row in rows)
                {
                    var read = await reader.ReadMembersAsync(row.GroupId, cancellationToken);
                    if (read.Value is null)
                    {
                        return await FailedAsync(error, read.Failure!, null);
                    }
                    perGroup.Add((row, read.Value));
                }
                GroupCsv.WriteMembers(perGroup, csv);
            }
            else
            {
                GroupCsv.WriteGroups(rows, csv);
            }
            return await WriteAsync(csv.ToString(), outFile, rows.Count, output, error);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("groups stopped; nothing was written.");
            return ExitCodes.Stopped;
        }
    }

    /// <summary>A group that --under names but the connection does not reach is the user's mistake (2); a service that
    /// would not answer, even after retries, leaves the command unfinished (1). Nothing is written either way.</summary>
    private static async Task<int> FailedAsync(TextWriter error, ApiOutcome failure, string? under)
    {
        if (under is not null && failure is Permanent { Status: 404 })
        {
            await error.WriteLineAsync($"error: --under {under}: {((Permanent)failure).Message}. Nothing was written.");
            return ExitCodes.InputUnusable;
        }
        await error.WriteLineAsync($"error: the service did not answer the group calls: {failure}. Nothing was written.");
        return ExitCodes.SomeItemsFailed;
    }

    /// <summary>To stdout, or to the file through a temporary one beside it, so that a reader never sees half a file.</summary>
    private static async Task<int> WriteAsync(string csv, FileInfo? outFile, int groups, TextWriter output, TextWriter error)
    {
        if (outFile is null)
        {
            await output.WriteAsync(csv);
            await output.FlushAsync();
            return ExitCodes.Done;
        }
        var temp = outFile.FullName + ".tmp";
        try
        {
            await File.WriteAllTextAsync(temp, csv, new UTF8Encoding(false));
            File.Move(temp, outFile.FullName, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            await error.WriteLineAsync($"{outFile.FullName}: error: cannot write the groups CSV: {ex.Message}");
            return ExitCodes.InputUnusable;
        }
        await output.WriteLineAsync($"groups: {groups} groups written to {outFile.FullName}");
        return ExitCodes.Done;
    }
}
