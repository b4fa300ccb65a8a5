using KaizalaBatch.Api;
using KaizalaBatch.Emulator;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Sending;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Cli;

/// <summary>What a command that calls the service (run, report, remind) talks to: the run file's connection, or the
/// embedded emulator for <c>connection: emulator: true</c>, behind one pacer at the run file's limits and one client.</summary>
public sealed class ServiceConnection : IAsyncDisposable
{
    /// <summary>The embedded emulator takes any credentials; these name the connector in its inspection pages.</summary>
    private const string EmbeddedConnector = "kaizala-batch-embedded";

    private ServiceConnection(KaizalaEmulator? emulator, Pacer pacer, KaizalaClient client)
    {
        Emulator = emulator;
        Pacer = pacer;
        Client = client;
    }

    public KaizalaEmulator? Emulator { get; }

    public Pacer Pacer { get; }

    public KaizalaClient Client { get; }

    /// <summary>The embedded emulator of a run: it keeps what it was sent beside the ledger (<c>&lt;ledger&gt;.emulator.json</c>),
    /// so that a later command finds it, and members answer a share of the Surveys, Jobs and Polls (seeded), some at once
    /// and more over two days, so that <c>report</c> has something to show.</summary>
    public static EmulatorOptions EmbeddedOptions(RunFile run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new EmulatorOptions
        {
            StateFile = run.LedgerPath + ".emulator.json",
            RespondRate = 0.6,
            RespondAfter = TimeSpan.FromDays(2),
            Seed = 11,
        };
    }

    /// <summary>Starts the embedded emulator when the run file asks for it, then the pacer and the client.</summary>
    /// <exception cref="KaizalaConnectionException">The connection settings cannot work (e.g. plain http to a remote host).</exception>
    public static async Task<ServiceConnection> OpenAsync(RunFile run, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(loggers);
        var emulator = run.Connection.Emulator ? await KaizalaEmulator.StartAsync(EmbeddedOptions(run)) : null;
        var pacer = new Pacer(new PacingOptions(run.Limits.PerMinute, run.Limits.Concurrency), TimeProvider.System, loggers.CreateLogger<Pacer>());
        try
        {
            var client = new KaizalaClient(ClientOptions(run, emulator), pacer, TimeProvider.System, loggers.CreateLogger<KaizalaClient>());
            return new ServiceConnection(emulator, pacer, client);
        }
        catch
        {
            await pacer.DisposeAsync();
            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }
            throw;
        }
    }

    private static KaizalaClientOptions ClientOptions(RunFile run, KaizalaEmulator? emulator)
    {
        if (emulator is not null)
        {
            return new KaizalaClientOptions(emulator.ApiRoot, EmbeddedConnector, new Secret(EmbeddedConnector, "embedded emulator"), new Secret(EmbeddedConnector, "embedded emulator"))
            {
                Timeout = run.Connection.Timeout,
            };
        }
        var connection = run.Connection;
        return new KaizalaClientOptions(connection.ApiRoot, connection.ApplicationId!,
            connection.ApplicationSecret!, connection.RefreshToken!,
            KaizalaClientOptions.RefreshTokenFileFor(run.LedgerPath))
        {
            Timeout = connection.Timeout,
        };
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Pacer.DisposeAsync();
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}
