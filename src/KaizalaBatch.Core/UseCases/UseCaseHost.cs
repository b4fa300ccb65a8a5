using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KaizalaBatch.UseCases;

/// <summary>A stand-in for the service that runs inside the process (the emulator, for <c>connection: emulator: true</c>).</summary>
public interface IEmbeddedService : IAsyncDisposable
{
    /// <summary>What a run file's <c>connection.apiRoot</c> would name.</summary>
    Uri ApiRoot { get; }
}

/// <summary>Starts the embedded service for a run file. The Core does not know the emulator; its host (the CLI, a test)
/// hands one in.</summary>
public interface IEmbeddedServiceFactory
{
    /// <summary>What the embedded service needs from the run file that can be wrong (its organisation file), checked
    /// before anything else happens; null when it is usable.</summary>
    Diagnostic? Check(RunFile run);

    Task<IEmbeddedService> StartAsync(RunFile run);
}

/// <summary>What the use cases take from whoever calls them: logging, time, the environment (for <c>${env:NAME}</c>), the
/// embedded service, and who the user is (recorded by <c>resolve</c>).</summary>
public sealed record UseCaseHost
{
    public ILoggerFactory Loggers { get; init; } = NullLoggerFactory.Instance;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public IEmbeddedServiceFactory? Embedded { get; init; }

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Who decides, as <c>resolve</c> records it (user@host).</summary>
    public string User { get; init; } = $"{System.Environment.UserName}@{System.Environment.MachineName}";
}
