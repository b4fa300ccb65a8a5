using System.CommandLine;

namespace KaizalaBatch.Cli.Commands;

/// <summary><c>kaizala-batch init DIR</c>: writes a small working example (the survey rollout).</summary>
public static class InitCommand
{
    private const string SchemaFile = "runner.schema.json";
    private static readonly string[] Files = ["run.yaml", "groups.csv", SchemaFile];

    public static Command Build(TextWriter output, TextWriter error)
    {
        var directory = new Argument<DirectoryInfo>("DIR") { Description = "Folder to write the example into (created if missing)." };
        var command = new Command("init", "Write a small working example: a run file and its CSV, ready for validate, plan and run.") { directory };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = parse.GetRequiredValue(directory);
            var existing = Files.Select(f => Path.Combine(target.FullName, f)).Where(File.Exists).ToList();
            if (existing.Count > 0)
            {
                foreach (var path in existing)
                {
                    await error.WriteLineAsync($"{path}: error: the file exists; init never overwrites. Choose an empty folder.");
                }
                return ExitCodes.InputUnusable;
            }
            try
            {
                Directory.CreateDirectory(target.FullName);
                foreach (var file in Files.Where(f => f != SchemaFile))
                {
                    await using var resource = typeof(InitCommand).Assembly.GetManifestResourceStream("init/" + file)
                        ?? throw new InvalidOperationException($"resource init/{file} is missing from the build");
                    using var reader = new StreamReader(resource);
                    var text = await reader.ReadToEndAsync(cancellationToken);
                    // The example points editors at the repository's schema; a new folder gets its own copy beside it.
                    text = text.Replace("$schema=../../runner.schema.json", "$schema=" + SchemaFile, StringComparison.Ordinal);
                    await File.WriteAllTextAsync(Path.Combine(target.FullName, file), text, cancellationToken);
                }
                await File.WriteAllTextAsync(Path.Combine(target.FullName, SchemaFile), RunFiles.RunFileLoader.SchemaJson, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"{target.FullName}: error: cannot write the example: {ex.Message}");
                return ExitCodes.InputUnusable;
            }
            var runFile = Path.Combine(target.FullName, "run.yaml");
            var shown = Path.GetRelativePath(Environment.CurrentDirectory, runFile);
            await output.WriteLineAsync($"Wrote {runFile}, groups.csv and {SchemaFile}. Next:");
            await output.WriteLineAsync($"  kaizala-batch plan {shown}     # see what would be sent");
            await output.WriteLineAsync($"  kaizala-batch run {shown}      # send it to the embedded emulator");
            await output.WriteLineAsync($"  kaizala-batch report {shown}   # read the answers back");
            await output.WriteLineAsync("From the source repository instead of the installed tool, write `dotnet run --project src/KaizalaBatch.Cli --`");
            await output.WriteLineAsync($"where it says `kaizala-batch`, e.g. `dotnet run --project src/KaizalaBatch.Cli -- plan {shown}`.");
            return ExitCodes.Done;
        });
        return command;
    }
}
