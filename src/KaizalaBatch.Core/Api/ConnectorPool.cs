namespace KaizalaBatch.Api;

/// <summary>One connector of the pool: its name (what a targets file pins and the ledger records) and its client (its own
/// token, endpoint, refresh-token file, and gate).</summary>
public sealed record PoolConnector(string Name, KaizalaClient Client)
{
    public string ApplicationId => Client.ApplicationId;
}

/// <summary>The connectors a run calls through (<c>connection.connectors</c>, or the single connection as a pool of one).
/// Which connector takes which item is the sender's choice; this only holds them and finds one by name.</summary>
public sealed class ConnectorPool : IDisposable
{
    private readonly Dictionary<string, PoolConnector> _byName;

    public ConnectorPool(IReadOnlyList<PoolConnector> connectors)
    {
        ArgumentNullException.ThrowIfNull(connectors);
        ArgumentOutOfRangeException.ThrowIfZero(connectors.Count);
        Connectors = connectors;
        _byName = connectors.ToDictionary(c => c.Name, StringComparer.Ordinal);
    }

    /// <summary>A pool of the one client (a test's or a single connection's), named by its applicationId.</summary>
    public static ConnectorPool Of(KaizalaClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ConnectorPool([new PoolConnector(client.ApplicationId, client)]);
    }

    /// <summary>In the run file's order; never empty.</summary>
    public IReadOnlyList<PoolConnector> Connectors { get; }

    /// <summary>The first connector: the one calls that concern no item go through (groups, a credentials check).</summary>
    public PoolConnector Default => Connectors[0];

    /// <summary>The connector of this name, or null when the pool has none.</summary>
    public PoolConnector? Find(string? name) => name is not null && _byName.TryGetValue(name, out var connector) ? connector : null;

    /// <summary>The client to read an item back through: the connector the ledger says sent it, else (an item sent before
    /// ledgers recorded connectors, or through one the run file no longer lists) the first.</summary>
    public KaizalaClient ClientFor(string? sentThrough) => (Find(sentThrough) ?? Default).Client;

    /// <summary>Fetches every connector's access token (a check of all the credentials before anything is sent); the first
    /// outcome that is not accepted, else the last accepted one.</summary>
    public async Task<ApiOutcome> ConnectAsync(CancellationToken cancellationToken)
    {
        ApiOutcome last = new Accepted(new System.Text.Json.Nodes.JsonObject());
        foreach (var connector in Connectors)
        {
            last = await connector.Client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            if (last is not Accepted)
            {
                return last;
            }
        }
        return last;
    }

    public void Dispose()
    {
        foreach (var connector in Connectors)
        {
            connector.Client.Dispose();
        }
    }
}
