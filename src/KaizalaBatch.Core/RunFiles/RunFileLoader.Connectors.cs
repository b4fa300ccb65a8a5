using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.RunFiles;

/// <summary><c>connection.connectors:</c>, a pool of connectors of one tenant (issue: beyond one connector).</summary>
public static partial class RunFileLoader
{
    private static List<ConnectorSettings> BuildConnectors(MappingToken connection, bool emulator, Func<string, string?> environment,
        List<Diagnostic> diagnostics)
    {
        var pool = new List<ConnectorSettings>();
        if (connection.Entry("connectors") is not { Value: SequenceToken list } entry)
        {
            return pool;
        }
        foreach (var single in new[] { "applicationId", "applicationSecret", "refreshToken" })
        {
            if (connection.Entry(single) is { } both)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.Schema,
                    $"'connection.{single}' and 'connection.connectors' are both given: list every connector under connectors (the single form is for one connector)",
                    both.Key.Location));
            }
        }
        var names = new Dictionary<string, ConnectorSettings>(StringComparer.Ordinal);
        var applications = new Dictionary<string, ConnectorSettings>(StringComparer.Ordinal);
        foreach (var item in list.Items.OfType<MappingToken>())
        {
            if (item["applicationId"] is not StringToken applicationIdToken || Expand(applicationIdToken, environment, diagnostics) is not { } applicationId)
            {
                continue; // the schema, or the missing variable, has been reported
            }
            var secret = SecretFrom(item["applicationSecret"] as StringToken, environment, diagnostics);
            var refresh = SecretFrom(item["refreshToken"] as StringToken, environment, diagnostics);
            if (!emulator)
            {
                foreach (var (key, present) in new[] { ("applicationSecret", item["applicationSecret"] is not null), ("refreshToken", item["refreshToken"] is not null) })
                {
                    if (!present)
                    {
                        diagnostics.Add(Diagnostic.Error(DiagnosticCodes.ConnectionIncomplete,
                            $"connector '{applicationId}': '{key}' is required to reach the real service (or set emulator: true)", item.Location));
                    }
                }
            }
            var named = item["name"] as StringToken;
            var connector = new ConnectorSettings(named?.Value ?? applicationId, applicationId, secret, refresh, item.Location);
            if (names.TryGetValue(connector.Name, out var earlier))
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.Schema,
                    named is null && applications.ContainsKey(applicationId)
                        ? $"connector '{applicationId}' is listed twice (also at line {earlier.Location.Line}); two refresh tokens of one connector need a name each"
                        : $"two connectors are named '{connector.Name}' (also at line {earlier.Location.Line}); names pick connectors in targets.connector and must differ",
                    (named ?? applicationIdToken).Location));
                continue;
            }
            names[connector.Name] = connector;
            applications.TryAdd(applicationId, connector);
            pool.Add(connector);
        }
        if (pool.Count == 0 && list.Items.Count == 0)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.Schema, "'connection.connectors' lists no connector", entry.Value.Location));
        }
        return pool;
    }
}
