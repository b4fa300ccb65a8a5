using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KaizalaBatch.Api;

/// <summary>The Kaizala REST client (REFERENCE.md): access tokens and their renewal, the endpoint the token service names and any
/// 308 move of it, refresh-token rotation, and every call through the shared <see cref="ICallGate"/>. Calls answer with an
/// <see cref="ApiOutcome"/>; only a connection that cannot work at all throws (<see cref="KaizalaConnectionException"/>).
/// The calls themselves are in KaizalaClient.Actions.cs, .ReadBack.cs and .Groups.cs; this part is the one way a call goes.</summary>
public sealed partial class KaizalaClient : IDisposable
{
    private const int MaxMoves = 5;

    private readonly KaizalaClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ServiceEndpoint _endpoint;
    private readonly ConnectionSecrets _secrets;
    private readonly GatedHttp _wire;
    private readonly AccessTokens _tokens;

    public KaizalaClient(KaizalaClientOptions options, ICallGate gate, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(gate);
        EnsureAllowed(options.ApiRoot);
        _options = options;
        Gate = gate;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _endpoint = new ServiceEndpoint(_logger);
        var refreshTokenFile = new RefreshTokenFile(options.RefreshTokenFile, _logger);
        _secrets = new ConnectionSecrets(options, refreshTokenFile.Read() ?? options.RefreshToken);
        _wire = new GatedHttp(gate, options.Timeout, _time, _logger, _secrets.Scrub);
        _tokens = new AccessTokens(options, _wire, _endpoint, refreshTokenFile, _secrets, _time, _logger);
    }

    /// <summary>The gate every call of this client waits at.</summary>
    public ICallGate Gate { get; }

    /// <summary>The connector this client calls as (not a secret).</summary>
    public string ApplicationId => _options.ApplicationId;

    /// <summary>Where platform calls currently go (null before the first token).</summary>
    public Uri? EndpointUrl => _endpoint.Current;

    /// <summary>Throws <see cref="InsecureEndpointException"/> for a plain http URL to a host that is not loopback.</summary>
    public static void EnsureAllowed(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new KaizalaConnectionException($"Not an http(s) URL: {url}");
        }
        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
        {
            throw new InsecureEndpointException(url);
        }
    }

    /// <summary>Fetches an access token now unless a valid one is held: a cheap way to check credentials before a run.</summary>
    public async Task<ApiOutcome> ConnectAsync(CancellationToken cancellationToken)
    {
        var (_, failure) = await _tokens.GetAsync(staleGeneration: null, cancellationToken).ConfigureAwait(false);
        return failure ?? new Accepted(new System.Text.Json.Nodes.JsonObject { ["endpointUrl"] = EndpointUrl?.ToString() });
    }

    /// <summary>One platform call: token first, then the request, following 308 moves and renewing the token once on a 401.</summary>
    private async Task<ApiOutcome> CallAsync(HttpMethod method, string relative, Func<HttpContent>? content, CancellationToken cancellationToken,
        CancellationToken stopWaiting = default, Func<ValueTask>? beforeSend = null)
    {
        long? staleGeneration = null;
        for (var authAttempt = 0; ; authAttempt++)
        {
            var (token, failure) = await _tokens.GetAsync(staleGeneration, cancellationToken, stopWaiting).ConfigureAwait(false);
            if (failure is not null)
            {
                return failure;
            }
            var endpoint = EndpointUrl!;
            for (var moves = 0; ; moves++)
            {
                var url = new Uri(endpoint, relative);
                using var request = new HttpRequestMessage(method, url);
                request.Headers.TryAddWithoutValidation("accessToken", token!.Value.Reveal());
                request.Headers.TryAddWithoutValidation("applicationId", _options.ApplicationId);
                request.Content = content?.Invoke();
                var sent = await _wire.SendAsync(request, cancellationToken, stopWaiting, beforeSend).ConfigureAwait(false);
                if (sent.NoAnswer is { } noAnswer)
                {
                    return noAnswer;
                }
                using var answer = sent.Answer!;
                var status = answer.StatusCode;
                if (status == HttpStatusCode.PermanentRedirect && moves < MaxMoves && answer.Headers.Location is { } location)
                {
                    endpoint = _endpoint.Moved(url, location);
                    continue;
                }
                if (status == HttpStatusCode.Unauthorized)
                {
                    if (authAttempt > 0)
                    {
                        throw new KaizalaAuthenticationException("The service refused a freshly issued access token (HTTP 401 twice).");
                    }
                    _logger.LogInformation("The access token was refused (401); renewing it once");
                    staleGeneration = token.Generation;
                    break;
                }
                return await ApiAnswer.ReadAsync(answer, _secrets.Scrub, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose()
    {
        _wire.Dispose();
        _tokens.Dispose();
    }
}
