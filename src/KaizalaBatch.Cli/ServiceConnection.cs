using KaizalaBatch.Api;
using KaizalaBatch.Emulator;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Sending;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Cli;

/// <summary>A run file's connection, opened for commands that read from the service (<c>groups</c>,
/// <c>plan --check-groups</c>): the embedded emulator when the run file asks for it, a pacer at the run's limits (every
/// call goes through it) and the client, with its access token fetched.</summary>
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

    /// <summary>Opens the connection; null when it cannot work (the reason is printed: unusable credentials, a plain http
    /// URL to a host that is not loopback, ...), which is an unusable input (exit 2).</summary>
    public static async Task<ServiceConnection?> OpenAsync(RunFile run, ILoggerFactory loggers, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(loggers);
        var emulator = await EmbeddedEmulator.StartAsync(run);
        var pacer = new Pacer(new PacingOptions(run.Limits.PerMinute, run.Limits.Concurrency), TimeProvider.System, loggers.CreateLogger<Pacer>());
        KaizalaClient? client = null;
        var opened = false;
        try
        {
            client = new KaizalaClient(KaizalaClientOptions.For(run.Connection, run.LedgerPath, emulator?.ApiRoot), pacer, TimeProvider.System,
                loggers.CreateLogger<KaizalaClient>());
            // A transient failure here is left to the calls, which retry it.
            await client.ConnectAsync(cancellationToken);
            opened = true;
            return new ServiceConnection(emulator, pacer, client);
        }
        catch (KaizalaConnectionException ex)
        {
            await error.WriteLineAsync($"{run.Path}: error: {ex.Message}");
            return null;
        }
        finally
        {
            if (!opened)
            {
                client?.Dispose();
                await pacer.DisposeAsync();
                if (emulator is not null)
                {
                    await emulator.DisposeAsync();
                }
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
