using System.CommandLine;

namespace KaizalaBatch.Cli.Commands;

/// <summary>Arguments and options several commands share, described once.</summary>
public static class CommonArguments
{
    public const string RunFileName = "RUN.yaml";

    public static Argument<string> RunFile() => new(RunFileName) { Description = "The run file (YAML; see runner.schema.json)." };
}
