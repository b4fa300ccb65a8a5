using System.CommandLine;
using System.Text;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.UseCases;
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
        var diagnostics = DiagnosticWriter.Printing(error);
        var result = await GroupsUseCase.ExecuteAsync(runFilePath, new GroupsRequest(under, withMembers), Host.For(loggers), diagnostics, cancellationToken);
        if (result.Note is { } note)
        {
            await error.WriteLineAsync(note);
        }
        if (result.Csv is not { } csv)
        {
            if (!result.RunUsable)
            {
                await output.WriteLineAsync($"groups: the run file is unusable ({diagnostics.Errors} errors); nothing was read.");
            }
            return result.ExitCode;
        }
        return await WriteAsync(csv, outFile, result.Groups, output, error);
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
