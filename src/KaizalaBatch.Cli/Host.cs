using KaizalaBatch.UseCases;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Cli;

/// <summary>What the CLI hands every use case: its loggers (from --log-level, --log-format) and the embedded emulator.</summary>
public static class Host
{
    public static UseCaseHost For(ILoggerFactory loggers) => new() { Loggers = loggers, Embedded = EmbeddedEmulator.Instance };

    /// <summary>For the use cases that log nothing of their own (validate, status, export, resolve).</summary>
    public static UseCaseHost Quiet { get; } = new() { Embedded = EmbeddedEmulator.Instance };
}
