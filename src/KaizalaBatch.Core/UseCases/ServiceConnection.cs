using KaizalaBatch.Api;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Ledger;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Sending;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.UseCases;

/// <summary>The one place where a use case's connection to the service is built: the run file's connection, or the
/// embedded service for <c>connection: emulator: true</c>, behind one pacer at the run file's limits and one client.</summary>
public sealed class ServiceConnection : IAsyncDisposable
{
    private ServiceConnection(IEmbeddedService? embedded, Pacer pacer, KaizalaClient client)
    {
        Embedded = embedded;
        Pacer = pacer;
        Client = client;
    }

    /// <summary>The embedded service this connection talks to; null for a real one.</summary>
    public IEmbeddedService? Embedded { get; }

    public Pacer Pacer { get; }

    public KaizalaClient Client { get; }

    /// <summary>Starts the embedded service when the run file asks for it, then the pacer and the client (no call yet).
    /// <paramref name="shared"/>: a run shared with runners on other machines, whose calls keep one pace together.</summary>
    /// <exception cref="KaizalaConnectionException">The connection settings cannot work (e.g. plain http to a remote host).</exception>
    public static async Task<ServiceConnection> OpenAsync(RunFile run, UseCaseHost host, ISharedRun? shared = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(host);
        IEmbeddedService? embedded = null;
        if (run.Connection.Emulator)
        {
            embedded = await (host.Embedded ?? throw new KaizalaConnectionException(
                "the run file asks for the embedded emulator (connection: emulator: true), which this host does not provide")).StartAsync(run);
            host.Loggers.CreateLogger("kaizala-batch").LogInformation("Talking to the embedded Kaizala emulator at {Url}", embedded.ApiRoot);
        }
        var pacer = new Pacer(new PacingOptions(run.Limits.PerMinute, run.Limits.Concurrency), host.Time, host.Loggers.CreateLogger<Pacer>());
        try
        {
            ICallGate gate = shared is null
                ? pacer
                : new SharedPacer(pacer, shared, run.Connection.ApplicationId ?? KaizalaClientOptions.EmbeddedConnector, run.Connection.Timeout, host.Time);
            var client = new KaizalaClient(KaizalaClientOptions.For(run.Connection, run.LocalFilesStem, embedded?.ApiRoot), gate, host.Time,
                host.Loggers.CreateLogger<KaizalaClient>());
            return new ServiceConnection(embedded, pacer, client);
        }
        catch
        {
            await pacer.DisposeAsync();
            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>Opens the connection and fetches the access token; null when it cannot work (refused credentials, a plain
    /// http URL to a host that is not loopback, ...), which is an unusable input (exit 2), with the reason in
    /// <paramref name="diagnostics"/>. A transient failure is left to the calls, which retry it.</summary>
    public static async Task<ServiceConnection?> OpenConnectedAsync(RunFile run, UseCaseHost host, DiagnosticBag diagnostics,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        ServiceConnection? connection = null;
        try
        {
            connection = await OpenAsync(run, host);
            await connection.Client.ConnectAsync(cancellationToken);
            var connected = connection;
            connection = null;
            return connected;
        }
        catch (KaizalaConnectionException ex)
        {
            diagnostics.Add(Refused(run, ex));
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

    /// <summary>A connection that cannot work, as an input error at the run file.</summary>
    public static Diagnostic Refused(RunFile run, KaizalaConnectionException ex, string? then = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(ex);
        return Diagnostic.Error(DiagnosticCodes.ConnectionRefused, then is null ? ex.Message : $"{ex.Message} {then}", new SourceLocation(run.Path));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Pacer.DisposeAsync();
        if (Embedded is not null)
        {
            await Embedded.DisposeAsync();
        }
    }
}
