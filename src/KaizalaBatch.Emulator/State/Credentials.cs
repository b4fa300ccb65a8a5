using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace KaizalaBatch.Emulator.State;

/// <summary>An access token the emulator issued: whose it is and until when it works.</summary>
internal sealed record AccessGrant(string Connector, DateTimeOffset Expires);

/// <summary>What the token call hands out.</summary>
internal sealed record TokenIssue(string AccessToken, DateTimeOffset Expires, string RefreshToken);

/// <summary>
/// Access and refresh tokens. A refresh token's life starts when the emulator first sees it (or
/// issues it); from 90% of that life on, the token call hands out one successor refresh token
/// (valid for a full life from then). A pinned <see cref="EmulatorOptions.RefreshToken"/> admits
/// only itself and the tokens the emulator issued.
/// </summary>
internal sealed class Credentials(EmulatorOptions options)
{
    private readonly ConcurrentDictionary<string, AccessGrant> access = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private readonly Dictionary<string, RefreshGrant> refresh = new(StringComparer.Ordinal);

    /// <summary>Issues an access token, or returns null with the reason for a 401.</summary>
    public TokenIssue? Issue(string? applicationId, string? secret, string? refreshToken, DateTimeOffset now, out string failure)
    {
        failure = "";
        if (string.IsNullOrEmpty(applicationId) || string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(refreshToken))
        {
            failure = "headers applicationId, applicationSecret and refreshToken are required";
            return null;
        }

        if ((options.ApplicationId is { } pinnedId && pinnedId != applicationId) ||
            (options.ApplicationSecret is { } pinnedSecret && pinnedSecret != secret))
        {
            failure = "unknown applicationId or wrong applicationSecret";
            return null;
        }

        string handedOut;
        lock (gate)
        {
            if (!refresh.TryGetValue(refreshToken, out var grant))
            {
                if (options.RefreshToken is { } pinned && pinned != refreshToken)
                {
                    failure = "unknown refreshToken";
                    return null;
                }

                grant = new RefreshGrant(now);
                refresh[refreshToken] = grant;
            }

            if (now >= grant.IssuedAt + options.RefreshTokenLifetime)
            {
                failure = "refreshToken expired";
                return null;
            }

            if (now >= grant.IssuedAt + options.RefreshTokenLifetime * 0.9)
            {
                if (grant.Successor is null)
                {
                    grant.Successor = NewSecret();
                    refresh[grant.Successor] = new RefreshGrant(now);
                }

                handedOut = grant.Successor;
            }
            else
            {
                handedOut = "";
            }
        }

        var token = NewSecret();
        var expires = now + options.TokenLifetime;
        access[token] = new AccessGrant(applicationId, expires);
        return new TokenIssue(token, expires, handedOut);
    }

    /// <summary>Every access token and every successor refresh token handed out so far: what a client must never write down
    /// (except a refresh token, in its own protected file).</summary>
    public IReadOnlyList<string> IssuedSecrets()
    {
        lock (gate)
        {
            return [.. access.Keys, .. refresh.Values.Select(g => g.Successor).OfType<string>()];
        }
    }

    /// <summary>The grant of a valid, unexpired access token, else null.</summary>
    public AccessGrant? Find(string? accessToken, DateTimeOffset now) =>
        accessToken is not null && access.TryGetValue(accessToken, out var grant) && now < grant.Expires ? grant : null;

    private static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed class RefreshGrant(DateTimeOffset issuedAt)
    {
        public DateTimeOffset IssuedAt { get; } = issuedAt;

        public string? Successor { get; set; }
    }
}
