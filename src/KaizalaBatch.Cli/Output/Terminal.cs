using Spectre.Console;

namespace KaizalaBatch.Cli.Output;

/// <summary>Spectre.Console over a writer: colours and live progress on a terminal, plain text elsewhere
/// (a pipe, a CI log, a test). NO_COLOR is honoured by Spectre itself.</summary>
public static class Terminal
{
    public static IAnsiConsole Create(TextWriter writer)
    {
        var isConsole = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isConsole ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isConsole ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isConsole ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!isConsole)
        {
            // A log file or a pipe has no width of its own: the tables are made to fit 80 columns, so that is the width.
            console.Profile.Width = 80;
        }
        return console;
    }

    /// <summary>True when live widgets (progress bars) make sense: stdout is a terminal that is not dumb.</summary>
    public static bool IsInteractive(TextWriter writer) =>
        ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected &&
        !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);
}
