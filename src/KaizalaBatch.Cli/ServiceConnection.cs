using KaizalaBatch.Api;
using KaizalaBatch.Emulator;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Sending;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Cli;

/// <summary>What a command that calls the service (run, report, remind, groups, plan --check-groups) talks to: the run
/// file's connection, or the embedded emulator for <c>connection: emulator: true</c>, behind one pacer at the run file's
/// limits and one client.</summary>
public sealed class ServiceConnection : IAsyncDisposable
{
    private ServiceConnection(KaizalaEmulator? emulator, Pacer pacer, KaizalaClient client)
    {
        Emulator = emulator;
        Pacer = pacer;
        Client = client;
    }

    public KaizalaEmulator? Emulator { get; }

    public Pacer Pacer { get; }

    public KaizalaClient Client { get; }

    /// <summary>Starts the embedded emulator when the run file asks for it, then the pacer and the client (no call yet).</summary>
    /// <exception cref="KaizalaConnectionException">The connection settings cannot work (e.g. plain http to a remote host).</exception>
    public static async Task<ServiceConnection> OpenAsync(RunFile run, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(loggers);
        var emulator = await EmbeddedEmulator.StartAsync(run);
        var pacer = new Pacer(new PacingOptions(run.Limits.PerMinute, run.Limits.Concurrency), TimeProvider.System, loggers.CreateLogger<Pacer>());
        try
        {
            var client = new KaizalaClient(KaizalaClientOptions.For(run.Connection, run.LedgerPath, emulator?.ApiRoot), pacer, TimeProvider.System,
                loggers.CreateLogger<KaizalaClient>());
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

    /// <summary>Opens the connection and fetches the access token; null when it cannot work (the reason is printed: refused
    /// credentials, a plain http URL to a host that is not loopback, ...), which is an unusable input (exit 2). A transient
    /// failure is left to the calls, which retry it.</summary>
    public static async Task<ServiceConnection?> OpenConnectedAsync(RunFile run, ILoggerFactory loggers, TextWriter error, CancellationToken cancellationToken)
    {
        ServiceConnection? connection = null;
        try
        {
            connection = await OpenAsync(run, loggers);
            await connection.Client.ConnectAsync(cancellationToken);
            var connected = connection;
            connection = null;
            return connected;
        }
        catch (KaizalaConnectionException ex)
        {
            await error.WriteLineAsync($"{run.Path}: error: {ex.Message}");
            return null;
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
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
