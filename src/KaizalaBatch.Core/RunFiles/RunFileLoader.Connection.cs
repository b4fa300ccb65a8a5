using System.Text.RegularExpressions;
using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.RunFiles;

/// <summary><c>connection:</c>: where the Actions go, with <c>${env:NAME}</c> read from the environment (here only, so
/// that secrets never reach a body) and the embedded emulator's organisation.</summary>
public static partial class RunFileLoader
{
    private static ConnectionSettings BuildConnection(MappingToken? connection, string directory, Func<string, string?> environment, List<Diagnostic> diagnostics)
    {
        var timeout = TimeSpan.FromSeconds(ConnectionSettings.DefaultTimeoutSeconds);
        if (connection is null)
        {
            return new ConnectionSettings(true, ConnectionSettings.DefaultApiRoot, null, null, null, timeout);
        }
        if (Integer(connection, "timeoutSeconds") is { } seconds)
        {
            timeout = TimeSpan.FromSeconds(seconds);
        }
        var apiRootToken = connection["apiRoot"] as StringToken;
        var applicationIdToken = connection["applicationId"] as StringToken;
        var secretToken = connection["applicationSecret"] as StringToken;
        var refreshToken = connection["refreshToken"] as StringToken;
        // Without an explicit emulator flag, a connection that names no service means the emulator.
        var emulator = connection["emulator"] is LiteralToken { Value: { } flag } && flag.TryGetValue<bool>(out var b)
            ? b
            : apiRootToken is null && applicationIdToken is null && secretToken is null && refreshToken is null && connection["connectors"] is null;
        var connectors = BuildConnectors(connection, emulator, environment, diagnostics);

        var apiRoot = ConnectionSettings.DefaultApiRoot;
        if (apiRootToken is not null && Expand(apiRootToken, environment, diagnostics) is { } rootText)
        {
            if (!Uri.TryCreate(rootText, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp))
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.Schema, "'connection.apiRoot' must be an absolute http(s) URL", apiRootToken.Location));
            }
            else if (parsed.Scheme == Uri.UriSchemeHttp && !parsed.IsLoopback)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.InsecureApiRoot,
                    $"'connection.apiRoot' uses plain http:// to {parsed.Host}; only loopback hosts may be reached without https", apiRootToken.Location));
            }
            else
            {
                apiRoot = parsed;
            }
        }
        var applicationId = applicationIdToken is null ? null : Expand(applicationIdToken, environment, diagnostics);
        var secret = SecretFrom(secretToken, environment, diagnostics);
        var refresh = SecretFrom(refreshToken, environment, diagnostics);
        if (!emulator && connection["connectors"] is null)
        {
            foreach (var (key, present) in new[] { ("applicationId", applicationIdToken is not null), ("applicationSecret", secretToken is not null), ("refreshToken", refreshToken is not null) })
            {
                if (!present)
                {
                    diagnostics.Add(Diagnostic.Error(DiagnosticCodes.ConnectionIncomplete,
                        $"'connection.{key}' is required to reach the real service (or set emulator: true)", connection.Location));
                }
            }
        }
        return new ConnectionSettings(emulator, apiRoot, applicationId, secret, refresh, timeout)
        {
            EmulatorOrg = BuildEmulatorOrg(connection.Entry("emulatorOrg"), emulator, directory, diagnostics),
            Connectors = connectors,
        };
    }

    /// <summary><c>connection.emulatorOrg</c>: true (a generated organisation of the default size), a number of groups,
    /// or an organisation file relative to the run file; only with the embedded emulator.</summary>
    private static EmulatorOrganisation? BuildEmulatorOrg(MappingEntry? entry, bool emulator, string directory, List<Diagnostic> diagnostics)
    {
        if (entry is null)
        {
            return null;
        }
        var location = entry.Value.Location;
        if (!emulator)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.Schema,
                "'connection.emulatorOrg' is for the embedded emulator (emulator: true); the real service has its own groups", entry.Key.Location));
            return null;
        }
        switch (entry.Value)
        {
            case LiteralToken { Value: { } flag } when flag.TryGetValue<bool>(out var on):
                return on ? new EmulatorOrganisation(null, EmulatorOrganisation.DefaultSize, location) : null;
            case LiteralToken { Value: { } number } when number.TryGetValue<long>(out var size) && size is >= 1 and <= 100_000:
                return new EmulatorOrganisation(null, (int)size, location);
            case StringToken { Value.Length: > 0 } file:
                var path = System.IO.Path.GetFullPath(file.Value, directory);
                if (!File.Exists(path))
                {
                    diagnostics.Add(Diagnostic.Error(DiagnosticCodes.FileMissing,
                        $"the organisation file '{file.Value}' does not exist (looked for {path})", location));
                    return null;
                }
                return new EmulatorOrganisation(path, 0, location);
            default:
                return null; // the schema has reported it
        }
    }

    private static Secret? SecretFrom(StringToken? token, Func<string, string?> environment, List<Diagnostic> diagnostics)
    {
        if (token is null)
        {
            return null;
        }
        var match = EnvReference().Match(token.Value);
        if (!match.Success || match.Length != token.Value.Length)
        {
            return null; // the schema requires ${env:NAME} and has reported it, without echoing the value
        }
        var variable = match.Groups[1].Value;
        var value = environment(variable);
        if (string.IsNullOrEmpty(value))
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.EnvironmentMissing, $"the environment variable {variable} is not set", token.Location));
            return null;
        }
        return new Secret(value, "env:" + variable);
    }

    /// <summary>Replaces each <c>${env:NAME}</c> in a connection value; a missing variable is a diagnostic naming it.</summary>
    private static string? Expand(StringToken token, Func<string, string?> environment, List<Diagnostic> diagnostics)
    {
        var ok = true;
        var result = EnvReference().Replace(token.Value, match =>
        {
            var variable = match.Groups[1].Value;
            var value = environment(variable);
            if (string.IsNullOrEmpty(value))
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.EnvironmentMissing, $"the environment variable {variable} is not set", token.Location));
                ok = false;
                return "";
            }
            return value;
        });
        return ok ? result : null;
    }

    [GeneratedRegex(@"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex EnvReference();
}
