using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Api;

/// <summary>An access token and when to renew it. <paramref name="Generation"/> tells the token a 401 refused from one
/// renewed since, so concurrent callers renew it once.</summary>
internal sealed record AccessToken(Secret Value, DateTimeOffset RenewAt, long Generation);

/// <summary>The connector's credentials at work (accessToken.md): the access token, fetched when missing, renewed shortly
/// before it expires or once the service refused it; the refresh token, rotated when the service hands out a successor;
/// and the endpoint each token answer names. The tokens themselves are held in <see cref="ConnectionSecrets"/>.</summary>
internal sealed class AccessTokens : IDisposable
{
    private readonly KaizalaClientOptions _options;
    private readonly GatedHttp _wire;
    private readonly ServiceEndpoint _endpoint;
    private readonly RefreshTokenFile _refreshTokenFile;
    private readonly ConnectionSecrets _secrets;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _renewing = new(1, 1);

    public AccessTokens(KaizalaClientOptions options, GatedHttp wire, ServiceEndpoint endpoint, RefreshTokenFile refreshTokenFile,
        ConnectionSecrets secrets, TimeProvider time, ILogger logger)
    {
        _options = options;
        _wire = wire;
        _endpoint = endpoint;
        _refreshTokenFile = refreshTokenFile;
        _secrets = secrets;
        _time = time;
        _logger = logger;
    }

    /// <summary>The current access token, fetched or renewed when missing, near expiry, or the one just refused
    /// (<paramref name="staleGeneration"/>).</summary>
    /// <param name="stopWaiting">Cancels only while waiting (for another caller's renewal, or at the gate).</param>
    public async Task<(AccessToken? Token, ApiOutcome? Failure)> GetAsync(long? staleGeneration, CancellationToken cancellationToken,
        CancellationToken stopWaiting = default)
    {
        var current = _secrets.AccessToken;
        if (current is not null && current.Generation != staleGeneration && _time.GetUtcNow() < current.RenewAt)
        {
            return (current, null);
        }
        using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopWaiting))
        {
            await _renewing.WaitAsync(waiting.Token).ConfigureAwait(false);
        }
        try
        {
            // Another caller may have renewed it while this one waited.
            current = _secrets.AccessToken;
            if (current is not null && current.Generation != staleGeneration && _time.GetUtcNow() < current.RenewAt)
            {
                return (current, null);
            }
            return await FetchAsync(current?.Generation ?? 0, cancellationToken, stopWaiting).ConfigureAwait(false);
        }
        finally
        {
            _renewing.Release();
        }
    }

    private async Task<(AccessToken?, ApiOutcome?)> FetchAsync(long previousGeneration, CancellationToken cancellationToken, CancellationToken stopWaiting)
    {
        var root = _options.ApiRoot.AbsoluteUri.TrimEnd('/');
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(root + "/accessToken"));
        request.Headers.TryAddWithoutValidation("applicationId", _options.ApplicationId);
        request.Headers.TryAddWithoutValidation("applicationSecret", _options.ApplicationSecret.Reveal());
        var refreshToken = _secrets.RefreshToken;
        request.Headers.TryAddWithoutValidation("refreshToken", refreshToken.Reveal());
        var fetchedAt = _time.GetUtcNow();
        var sent = await _wire.SendAsync(request, cancellationToken, stopWaiting).ConfigureAwait(false);
        if (sent.NoAnswer is { } failure)
        {
            return (null, failure);
        }
        using var answer = sent.Answer!;
        var status = answer.StatusCode;
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            if (refreshToken.Reveal() != _options.RefreshToken.Reveal())
            {
                // The kept (rotated) token was refused: the admin may have granted a new one, now in the run file's
                // refreshToken. Try that once; a later rotation overwrites the file.
                _logger.LogWarning("The refresh token kept in {RefreshTokenFile} was refused; trying the run file's refreshToken", _refreshTokenFile.Path);
                _secrets.RefreshToken = _options.RefreshToken;
                _refreshTokenFile.Forget();
                answer.Dispose();
                return await FetchAsync(previousGeneration, cancellationToken, stopWaiting).ConfigureAwait(false);
            }
            throw new KaizalaAuthenticationException(
                $"The token service refused the credentials of connector {_options.ApplicationId} (HTTP {(int)status}): check its applicationId, applicationSecret and refreshToken.");
        }
        var outcome = await ApiAnswer.ReadAsync(answer, _secrets.Scrub, _time, cancellationToken).ConfigureAwait(false);
        if (outcome is not Accepted accepted)
        {
            return (null, outcome is Permanent permanent
                ? throw new KaizalaConnectionException($"The token service answered {permanent}.")
                : outcome);
        }
        var body = accepted.Body;
        var value = (string?)body["accessToken"];
        var endpointText = (string?)body["endpointUrl"];
        if (string.IsNullOrEmpty(value) || string.IsNullOrEmpty(endpointText) || !Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint))
        {
            return (null, new Transient(TransientKind.ServerError, "the token answer lacked accessToken or endpointUrl", 200));
        }
        endpoint = ServiceEndpoint.AsBase(endpoint);
        var expiry = ReadEpochMs(body["accessTokenExpiry"]) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : fetchedAt.AddHours(24);
        var lifetime = expiry - fetchedAt;
        var margin = TimeSpan.FromTicks(Math.Min(_options.RenewBeforeExpiry.Ticks, Math.Max(lifetime.Ticks / 10, 0)));
        var token = new AccessToken(new Secret(value), expiry - margin, previousGeneration + 1);
        // The endpoint first: whoever sees the new token also sees where it goes.
        _endpoint.NamedByTokenService(endpoint);
        _secrets.AccessToken = token;
        _logger.LogInformation("Access token obtained; it expires at {Expiry:u}; calls go to {EndpointUrl}", expiry, _endpoint.Current);
        if ((string?)body["refreshToken"] is { Length: > 0 } rotated && rotated != refreshToken.Reveal())
        {
            var successor = new Secret(rotated);
            _secrets.RefreshToken = successor;
            _refreshTokenFile.Keep(successor);
        }
        return (token, null);
    }

    private static long? ReadEpochMs(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Number => node.AsValue().TryGetValue<long>(out var ms) ? ms : (long)node.GetValue<double>(),
        JsonValueKind.String when long.TryParse((string?)node, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) => ms,
        _ => null,
    };

    public void Dispose() => _renewing.Dispose();
}
