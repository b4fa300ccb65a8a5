using KaizalaBatch.UseCases;

namespace KaizalaBatch.Cli.Output;

/// <summary>Where an option such as <c>--json</c> sends a file for a program to read: a path, or <c>-</c> for stdout. With
/// stdout taken, the command prints its tables to stderr, so that <c>| jq</c> reads the document alone.</summary>
public static class MachineOutput
{
    /// <summary>What <c>-</c> means.</summary>
    public static OutputTarget Stdout { get; } = new("stdout", Console.OpenStandardOutput);

    /// <summary>The option's value as a target: null when not given, stdout for <c>-</c>, else the file.</summary>
    public static OutputTarget? Target(string? value) => value switch
    {
        null => null,
        "-" => Stdout,
        _ => OutputTarget.File(value),
    };

    public static bool IsStdout(OutputTarget? target) => ReferenceEquals(target, Stdout);
}
