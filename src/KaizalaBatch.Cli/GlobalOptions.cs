using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Cli;

/// <summary>Options every command takes.</summary>
public static class GlobalOptions
{
    public static readonly Option<LogLevel> LogLevel = new("--log-level")
    {
        Description = "Least severe log level written to stderr (Trace, Debug, Information, Warning, Error, None).",
        DefaultValueFactory = _ => Microsoft.Extensions.Logging.LogLevel.Information,
        Recursive = true,
    };

    public static readonly Option<string> LogFormat = new("--log-format")
    {
        Description = "Log line format on stderr: text or json.",
        DefaultValueFactory = _ => "text",
        Recursive = true,
    };

    static GlobalOptions() => LogFormat.AcceptOnlyFromAmong("text", "json");
}
