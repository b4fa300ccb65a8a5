using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Cli;

/// <summary>Builds the logger factory from --log-level and --log-format. Logs go to stderr so that
/// stdout stays for the command's own output.</summary>
public static class Logging
{
    public static ILoggerFactory Create(ParseResult parse)
    {
        var level = parse.GetValue(GlobalOptions.LogLevel);
        var json = string.Equals(parse.GetValue(GlobalOptions.LogFormat), "json", StringComparison.OrdinalIgnoreCase);
        return LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(level);
            builder.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
            if (json)
            {
                builder.AddJsonConsole(options => options.TimestampFormat = "O");
            }
            else
            {
                builder.AddSimpleConsole(options =>
                {
                    options.SingleLine = true;
                    options.TimestampFormat = "HH:mm:ss ";
                });
            }
        });
    }
}
