using KaizalaBatch.Api;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Api.Tests;

/// <summary>How a pool's connectors are reached: each its own credentials and its own refresh-token file beside the ledger.</summary>
public sealed class ConnectorOptionsTests
{
    [Fact]
    public void Each_connector_of_a_pool_keeps_its_rotated_refresh_token_in_its_own_file()
    {
        var at = new SourceLocation("run.yaml", 1);
        var connection = new ConnectionSettings(false, new Uri("https://api.example.test/v1"), null, null, null, TimeSpan.FromSeconds(30))
        {
            Connectors =
            [
                new ConnectorSettings("north", "app-1", new Secret("s1"), new Secret("r1"), at),
                new ConnectorSettings("south/2", "app-1", new Secret("s2"), new Secret("r2"), at),
            ],
        };
        var pool = KaizalaClientOptions.ForConnectors(connection, "/data/q3.ledger.db", embeddedApiRoot: null);

        Assert.Equal(["north", "south/2"], pool.Select(c => c.Name));
        Assert.Equal(["/data/q3.ledger.db.north.refresh-token", "/data/q3.ledger.db.south_2.refresh-token"], pool.Select(c => c.Options.RefreshTokenFile));
        Assert.Equal(["r1", "r2"], pool.Select(c => c.Options.RefreshToken.Reveal()));
        Assert.All(pool, c => Assert.Equal(TimeSpan.FromSeconds(30), c.Options.Timeout));

        // The single form is a pool of one, named by its applicationId, with the file it always had.
        var single = KaizalaClientOptions.ForConnectors(connection with { Connectors = [], ApplicationId = "app-9", ApplicationSecret = new Secret("s"), RefreshToken = new Secret("r") },
            "/data/q3.ledger.db", embeddedApiRoot: null);
        Assert.Equal(("app-9", "/data/q3.ledger.db.refresh-token"), (single[0].Name, single[0].Options.RefreshTokenFile));
    }
}
