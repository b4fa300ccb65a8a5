using System.CommandLine;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Cli.Commands;

/// <summary><c>kaizala-batch schema</c>: prints runner.schema.json, the run file's JSON Schema.</summary>
public static class SchemaCommand
{
    public static Command Build(TextWriter output)
    {
        var command = new Command("schema", "Print runner.schema.json, the run file's JSON Schema (draft-07), for editors and CI checks.");
        command.SetAction(_ =>
        {
            output.Write(RunFileLoader.SchemaJson);
            return ExitCodes.Done;
        });
        return command;
    }
}
