using System.Text.Json.Nodes;

namespace KaizalaBatch.Api;

/// <summary>How to reach the service, from the run file's <c>connection</c> (SPEC section 1).</summary>
/// <param name="ApiRoot">The token service, e.g. <c>https://api.kaiza.la/v1</c>; the access token is at <c>{ApiRoot}/accessToken</c>.</param>
/// <param name="RefreshTokenFile">Where a rotated refresh token is kept (mode 0600), beside the ledger; when the file exists
/// its token is preferred over <paramref name="RefreshToken"/>. Null: rotations are kept in memory only.</param>
public sealed record KaizalaClientOptions(
    Uri ApiRoot,
    string ApplicationId,
    Secret ApplicationSecret,
    Secret RefreshToken,
    string? RefreshTokenFile = null)
{
    /// <summary>The docs suggest a client timeout of one minute.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Renew the access token this long before it expires (at most a tenth of its lifetime).</summary>
    public TimeSpan RenewBeforeExpiry { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The refresh token file's conventional place beside a ledger: <paramref name="ledgerPath"/> is the ledger file,
    /// or for a database ledger the stem this machine keeps the run's files under (<c>RunFile.LocalFilesStem</c>).</summary>
    public static string RefreshTokenFileFor(string ledgerPath) => ledgerPath + ".refresh-token";

    /// <summary>The embedded emulator takes any credentials; these name the connector in its inspection pages.</summary>
    public const string EmbeddedConnector = KaizalaBatch.RunFiles.ConnectionSettings.EmbeddedConnector;

    /// <summary>How a run file's connection is reached: the embedded emulator at <paramref name="embeddedApiRoot"/> when the
    /// run file asks for it, else the service it names, with rotated refresh tokens kept beside the ledger.</summary>
    public static KaizalaClientOptions For(KaizalaBatch.RunFiles.ConnectionSettings connection, string ledgerPath, Uri? embeddedApiRoot)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (embeddedApiRoot is not null)
        {
            return new KaizalaClientOptions(embeddedApiRoot, EmbeddedConnector, new Secret(EmbeddedConnector, "embedded emulator"),
                new Secret(EmbeddedConnector, "embedded emulator"))
            {
                Timeout = connection.Timeout,
            };
        }
        return new KaizalaClientOptions(connection.ApiRoot, connection.ApplicationId!, connection.ApplicationSecret!, connection.RefreshToken!,
            RefreshTokenFileFor(ledgerPath))
        {
            Timeout = connection.Timeout,
        };
    }

    /// <summary>The connectors a run file's connection calls through, by name: those of <c>connection.connectors</c>, each
    /// with its own refresh token file beside the ledger (<c>&lt;ledger&gt;.&lt;name&gt;.refresh-token</c>); else the one
    /// connection <see cref="For"/> gives, named by its applicationId.</summary>
    public static IReadOnlyList<(string Name, KaizalaClientOptions Options)> ForConnectors(KaizalaBatch.RunFiles.ConnectionSettings connection,
        string ledgerPath, Uri? embeddedApiRoot)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.Connectors.Count == 0)
        {
            var single = For(connection, ledgerPath, embeddedApiRoot);
            return [(single.ApplicationId, single)];
        }
        return [.. connection.Connectors.Select(c => (c.Name, embeddedApiRoot is not null
            ? new KaizalaClientOptions(embeddedApiRoot, c.ApplicationId, new Secret(c.ApplicationId, "embedded emulator"), new Secret(c.Name, "embedded emulator"))
            {
                Timeout = connection.Timeout,
            }
            : new KaizalaClientOptions(connection.ApiRoot, c.ApplicationId, c.ApplicationSecret!, c.RefreshToken!,
                $"{ledgerPath}.{FileSafe(c.Name)}.refresh-token")
            {
                Timeout = connection.Timeout,
            }))];
    }

    private static string FileSafe(string name) =>
        string.Concat(name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-' ? ch : '_'));
}

/// <summary>Why a call may succeed if tried again.</summary>
public enum TransientKind
{
    /// <summary>429: the call was refused before doing anything; wait Retry-After.</summary>
    Throttled,

    /// <summary>5xx: the service failed; an Action may have been created anyway.</summary>
    ServerError,

    /// <summary>No answer within the timeout: outcome unknown.</summary>
    Timeout,

    /// <summary>The connection broke (reset, refused, closed mid-answer): outcome unknown.</summary>
    Reset,
}

/// <summary>What one API call came to.</summary>
public abstract record ApiOutcome;

/// <summary>200: the service did it. <paramref name="Body"/> is the parsed answer.</summary>
public sealed record Accepted(JsonObject Body) : ApiOutcome
{
    public string? ReferenceId => (string?)Body["referenceId"];

    public string? ActionId => (string?)Body["actionId"];

    public string? MediaResource => (string?)Body["mediaResource"];
}

/// <summary>400, 403, 404, 415 and any other refusal that trying again will not change. Nothing was created.</summary>
public sealed record Permanent(int Status, string Message) : ApiOutcome
{
    public override string ToString() => $"HTTP {Status}: {Message}";
}

/// <summary>A failure worth another attempt.</summary>
public sealed record Transient(TransientKind Kind, string Message, int? Status = null, TimeSpan? RetryAfter = null) : ApiOutcome
{
    /// <summary>True when the request may have taken effect: a POST must be reconciled before it is sent again.</summary>
    public bool OutcomeUnknown => Kind != TransientKind.Throttled;

    public override string ToString() => Status is { } status ? $"{Kind} (HTTP {status}): {Message}" : $"{Kind}: {Message}";
}

/// <summary>One Action as the read-back lists it: <paramref name="ActionBody"/> is the service's per-type summary, not the
/// body that was sent; <paramref name="Sender"/> is a phone number.</summary>
public sealed record ReadBackAction(string? ReferenceId, string? ActionId, string? ActionType, string? Sender, DateTimeOffset? CreationTime, JsonNode? ActionBody)
{
    /// <summary>What the summary says the Action is called: a title, or a Poll's question; null when it carries neither.</summary>
    public string? Title => ActionBody is JsonObject body ? (string?)(body["title"] ?? body["question"]) : null;
}

/// <summary>The read-back of a group: the actions, or why they could not be read.</summary>
public sealed record ReadBackResult(IReadOnlyList<ReadBackAction> Actions, ApiOutcome? Failure)
{
    public bool Succeeded => Failure is null;
}

/// <summary>Something about the connection makes calls impossible; the run stops. The CLI maps it to exit 2 (nothing sent)
/// or 3 (stopped midway). Messages never hold a secret.</summary>
public class KaizalaConnectionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A plain <c>http://</c> URL to a host that is not loopback.</summary>
public sealed class InsecureEndpointException(Uri url)
    : KaizalaConnectionException($"Refusing plain http:// to {url.Host}: only loopback hosts may be reached without TLS.")
{
    public Uri Url { get; } = url;
}

/// <summary>The token service refused the credentials, or the service refused a fresh access token (a second 401).</summary>
public sealed class KaizalaAuthenticationException(string message) : KaizalaConnectionException(message);
