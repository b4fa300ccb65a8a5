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
    private ServiceConnection(IEmbeddedService? embedded, PoolPacing pace, ConnectorPool pool)
    {
        Embedded = embedded;
        Pace = pace;
        Pool = pool;
    }

    /// <summary>The embedded service this connection talks to; null for a real one.</summary>
    public IEmbeddedService? Embedded { get; }

    /// <summary>The pace of every connector and of the tenant, for a progress display.</summary>
    public PoolPacing Pace { get; }

    /// <summary>The connectors (<c>connection.connectors</c>, or the single connection as a pool of one).</summary>
    public ConnectorPool Pool { get; }

    /// <summary>The first connector's client: for calls that concern no item (groups, the members of a group).</summary>
    public KaizalaClient Client => Pool.Default.Client;

    /// <summary>Starts the embedded service when the run file asks for it, then the pacers and a client per connector (no
    /// call yet). <paramref name="shared"/>: a run shared with runners on other machines, whose calls keep one pace together.</summary>
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
        var connectors = KaizalaClientOptions.ForConnectors(run.Connection, run.LocalFilesStem, embedded?.ApiRoot);
        var pace = new PoolPacing(run.Limits, connectors.Select(c => c.Options.ApplicationId), host.Loggers, host.Time, shared, run.Connection.Timeout);
        var clients = new List<PoolConnector>();
        try
        {
            foreach (var (name, options) in connectors)
            {
                clients.Add(new PoolConnector(name, new KaizalaClient(options, pace.GateFor(options.ApplicationId), host.Time,
                    host.Loggers.CreateLogger<KaizalaClient>())));
            }
            return new ServiceConnection(embedded, pace, new ConnectorPool(clients));
        }
        catch
        {
            clients.ForEach(c => c.Client.Dispose());
            await pace.DisposeAsync();
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
            await connection.Pool.ConnectAsync(cancellationToken);
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
        Pool.Dispose();
        await Pace.DisposeAsync();
        if (Embedded is not null)
        {
            await Embedded.DisposeAsync();
        }
    }
}
