using System.CommandLine;

namespace KaizalaBatch.Cli.Commands;

/// <summary>Arguments and options several commands share, described once.</summary>
public static class CommonArguments
{
    public static Argument<string> RunFile() => new("RUN.yaml") { Description = "The run file (YAML; see runner.schema.json)." };
}
