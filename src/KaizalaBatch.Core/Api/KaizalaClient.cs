using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KaizalaBatch.Api;

/// <summary>The Kaizala REST client (REFERENCE.md): access tokens and their renewal, the endpoint the token service names and any
/// 308 move of it, refresh-token rotation, and every call through the shared <see cref="ICallGate"/>. Calls answer with an
/// <see cref="ApiOutcome"/>; only a connection that cannot work at all throws (<see cref="KaizalaConnectionException"/>).</summary>
public sealed partial class KaizalaClient : IDisposable
{
    private const int MaxMoves = 5;
    private const int ReadBackPageSize = 100;
    private const int MaxReadBackPageSize = 1600;

    private readonly KaizalaClientOptions _options;
    private readonly ICallGate _gate;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private readonly Lock _stateLock = new();
    private Secret _refreshToken;
    private AccessToken? _token;
    private Uri? _tokenEndpoint;
    private Uri? _endpoint;

    private sealed record AccessToken(Secret Value, DateTimeOffset RenewAt, long Generation);

    public KaizalaClient(KaizalaClientOptions options, ICallGate gate, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(gate);
        EnsureAllowed(options.ApiRoot);
        _options = options;
        _gate = gate;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _refreshToken = LoadRefreshToken(options, _logger);
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = Math.Max(gate.Concurrency, 1) + 1,
            UseCookies = false,
        })
        {
            // Per-call timeouts run on the TimeProvider instead (see SendOnceAsync).
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Where platform calls currently go (null before the first token).</summary>
    /// <summary>The connector this client calls as (not a secret).</summary>
    public string ApplicationId => _options.ApplicationId;

    public Uri? EndpointUrl
    {
        get
        {
            lock (_stateLock)
            {
                return _endpoint;
            }
        }
    }

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
        var (_, failure) = await GetTokenAsync(staleGeneration: null, cancellationToken).ConfigureAwait(false);
        return failure ?? new Accepted(new JsonObject { ["endpointUrl"] = EndpointUrl?.ToString() });
    }

    /// <summary><c>POST {endpoint}v1/groups/{groupId}/actions</c> with <paramref name="request"/> as the body
    /// (<c>{actionType, actionBody}</c> or <c>{id, actionBody, ...}</c>), sent byte for byte as given.</summary>
    /// <param name="cancellationToken">Cancels the call, even a request in flight (its outcome is then unknown).</param>
    /// <param name="stopWaiting">Cancels only while no request has left yet (waiting for the pacer or the token): a Ctrl-C that
    /// must not leave an Action in doubt. The <see cref="OperationCanceledException"/> then means "not sent".</param>
    /// <param name="beforeSend">Runs after the pacer lets the POST through and before its bytes leave (again for a resend after
    /// a 308 or 401): where the caller records, durably, that the outcome is about to become uncertain.</param>
    public Task<ApiOutcome> SendActionAsync(string groupId, string requestJson, CancellationToken cancellationToken,
        CancellationToken stopWaiting = default, Action? beforeSend = null) =>
        CallAsync(
            HttpMethod.Post,
            $"v1/groups/{Uri.EscapeDataString(groupId)}/actions",
            () => new StringContent(requestJson, Encoding.UTF8, "application/json"),
            cancellationToken,
            stopWaiting,
            beforeSend);

    /// <summary><c>POST {endpoint}v1/media</c>: the file as a multipart part with its own MIME type; the answer carries <c>mediaResource</c>.</summary>
    public Task<ApiOutcome> UploadMediaAsync(string filePath, string mimeType, CancellationToken cancellationToken) =>
        CallAsync(
            HttpMethod.Post,
            "v1/media",
            () =>
            {
                var file = new StreamContent(File.OpenRead(filePath));
                file.Headers.ContentType = MediaTypeHeaderValue.Parse(mimeType);
                var form = new MultipartFormDataContent();
                form.Add(file, "file", Path.GetFileName(filePath));
                return form;
            },
            cancellationToken,
            default,
            null);

    /// <summary>Reads back a group's actions of one type created at or after <paramref name="from"/>, oldest first, following
    /// <c>hasMore</c> (actions_get.md). The service answers per-type summaries, not the bodies sent, and lists only some
    /// types (see <see cref="ReadBack"/>). fromDate and creationTime are epoch seconds.</summary>
    public async Task<ReadBackResult> ReadActionsAsync(string groupId, string actionType, DateTimeOffset from, CancellationToken cancellationToken)
    {
        var actions = new List<ReadBackAction>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var fromSeconds = Math.Max(0, from.ToUnixTimeSeconds());
        var count = ReadBackPageSize;
        while (true)
        {
            var query = $"v1/groups/{Uri.EscapeDataString(groupId)}/actions?actionType={Uri.EscapeDataString(actionType)}"
                + $"&fromDate={fromSeconds.ToString(CultureInfo.InvariantCulture)}&count={count.ToString(CultureInfo.InvariantCulture)}";
            var outcome = await CallAsync(HttpMethod.Get, query, null, cancellationToken, default, null).ConfigureAwait(false);
            if (outcome is not Accepted page)
            {
                return new ReadBackResult(actions, outcome);
            }
            var newest = fromSeconds;
            var added = 0;
            foreach (var node in page.Body["actions"] as JsonArray ?? [])
            {
                if (node is not JsonObject item)
                {
                    continue;
                }
                var action = ReadBack.Parse(item);
                if (action.CreationTime is { } created)
                {
                    newest = Math.Max(newest, created.ToUnixTimeSeconds());
                }
                if (action.ReferenceId is null || seen.Add(action.ReferenceId))
                {
                    actions.Add(action);
                    added++;
                }
            }
            if (page.Body["hasMore"]?.GetValueKind() != JsonValueKind.True)
            {
                return new ReadBackResult(actions, null);
            }
            // Creation times are whole seconds, so the next page starts at the newest one seen (inclusive) and repeats are
            // dropped by referenceId. A page that brought nothing new is a full page from one second: ask again for more, up
            // to a limit past which the read-back cannot page; say so rather than guess.
            if (added == 0)
            {
                if (count >= MaxReadBackPageSize)
                {
                    return new ReadBackResult(actions, new Transient(TransientKind.ServerError,
                        $"the read-back cannot page past {count} actions created in the same second"));
                }
                count = Math.Min(count * 4, MaxReadBackPageSize);
                continue;
            }
            fromSeconds = newest;
        }
    }

    /// <summary><c>GET {endpoint}v1/groups/{groupId}/actions/{actionId}?getDetails=</c> (actionDetails.md): the Action's
    /// details; with <paramref name="withResponses"/>, its <c>responses</c> too.</summary>
    public Task<ApiOutcome> ReadActionDetailsAsync(string groupId, string actionId, bool withResponses, CancellationToken cancellationToken) =>
        CallAsync(
            HttpMethod.Get,
            $"v1/groups/{Uri.EscapeDataString(groupId)}/actions/{Uri.EscapeDataString(actionId)}?getDetails={(withResponses ? "true" : "false")}",
            null,
            cancellationToken,
            default,
            null);

    /// <summary><c>POST {endpoint}v1/groups/{groupId}/actions/{actionId}/reminder</c> (Kaizala's developer blog): notifies the
    /// group again about an Action it already has. The body is optional; none is sent.</summary>
    public Task<ApiOutcome> SendReminderAsync(string groupId, string actionId, CancellationToken cancellationToken) =>
        CallAsync(
            HttpMethod.Post,
            $"v1/groups/{Uri.EscapeDataString(groupId)}/actions/{Uri.EscapeDataString(actionId)}/reminder",
            () => new StringContent("{}", Encoding.UTF8, "application/json"),
            cancellationToken,
            default,
            null);

    private static long? ReadEpochMs(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Number => node.AsValue().TryGetValue<long>(out var ms) ? ms : (long)node.GetValue<double>(),
        JsonValueKind.String when long.TryParse((string?)node, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) => ms,
        _ => null,
    };

    /// <summary>One platform call: token first, then the request, following 308 moves and renewing the token once on a 401.</summary>
    private async Task<ApiOutcome> CallAsync(HttpMethod method, string relative, Func<HttpContent>? content, CancellationToken cancellationToken,
        CancellationToken stopWaiting, Action? beforeSend)
    {
        long? staleGeneration = null;
        for (var authAttempt = 0; ; authAttempt++)
        {
            var (token, failure) = await GetTokenAsync(staleGeneration, cancellationToken, stopWaiting).ConfigureAwait(false);
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
                var (status, response) = await SendOnceAsync(request, cancellationToken, stopWaiting, beforeSend).ConfigureAwait(false);
                if (response is ApiOutcome done)
                {
                    return done;
                }
                var answer = (HttpResponseMessage)response!;
                using (answer)
                {
                    if (status == HttpStatusCode.PermanentRedirect && moves < MaxMoves && answer.Headers.Location is { } location)
                    {
                        var moved = location.IsAbsoluteUri ? location : new Uri(url, location);
                        EnsureAllowed(moved);
                        lock (_stateLock)
                        {
                            _endpoint = moved;
                        }
                        _logger.LogInformation("The service moved the endpoint to {EndpointUrl}; later calls go there", moved);
                        endpoint = moved;
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
                    return await ToOutcomeAsync(answer, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Sends through the pacer with the client timeout. Returns the response, or an outcome when none came.</summary>
    private async Task<(HttpStatusCode? Status, object? Response)> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken,
        CancellationToken stopWaiting, Action? beforeSend = null)
    {
        ICallPermit permit;
        using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopWaiting))
        {
            permit = await _gate.AcquireAsync(waiting.Token).ConfigureAwait(false);
        }
        using var held = permit;
        beforeSend?.Invoke();
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            _logger.LogDebug("{Method} {Path} answered {Status}", request.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                // Before the permit is given back: the pacer learns the service's pace from the calls it let through.
                permit.Throttled(ThrottledFor(response));
            }
            return (response.StatusCode, response);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("{Method} {Path} timed out after {TimeoutSeconds} s; outcome unknown", request.Method, request.RequestUri!.AbsolutePath, _options.Timeout.TotalSeconds);
            return (null, new Transient(TransientKind.Timeout, $"no answer within {_options.Timeout.TotalSeconds:0.#} s"));
        }
        catch (HttpRequestException ex)
        {
            _logger.LogWarning("{Method} {Path} failed: {Error}; outcome unknown", request.Method, request.RequestUri!.AbsolutePath, ex.Message);
            return (null, new Transient(TransientKind.Reset, Scrub(ex.Message)));
        }
    }

    private async Task<ApiOutcome> ToOutcomeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (status is >= 200 and < 300)
        {
            try
            {
                return new Accepted(JsonNode.Parse(text.Length == 0 ? "{}" : text) as JsonObject ?? []);
            }
            catch (JsonException)
            {
                return new Transient(TransientKind.ServerError, "the answer was not JSON", status);
            }
        }
        var message = Scrub(Summarise(text, response.ReasonPhrase));
        if (status == 429)
        {
            return new Transient(TransientKind.Throttled, message, status, ThrottledFor(response));
        }
        if (status >= 500 || status == 408)
        {
            return new Transient(TransientKind.ServerError, message, status);
        }
        return new Permanent(status, message);
    }

    /// <summary>How long a 429 holds every call back: its Retry-After, else a minute.</summary>
    private TimeSpan ThrottledFor(HttpResponseMessage response) => RetryAfter(response) ?? TimeSpan.FromSeconds(60);

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>A short, single-line message from an error answer: its <c>message</c>/<c>error</c> field if JSON, else the text.</summary>
    private static string Summarise(string text, string? reason)
    {
        var message = text;
        try
        {
            if (JsonNode.Parse(text) is JsonObject json)
            {
                message = (json["message"] ?? json["error"] ?? json["errorMessage"])?.ToString() ?? text;
            }
        }
        catch (JsonException)
        {
        }
        message = message.ReplaceLineEndings(" ").Trim();
        if (message.Length == 0)
        {
            message = reason ?? "";
        }
        return message.Length > 300 ? message[..300] + "…" : message;
    }

    /// <summary>Removes every secret this client knows from a message that came from elsewhere.</summary>
    private string Scrub(string message)
    {
        foreach (var secret in KnownSecrets())
        {
            if (!secret.IsEmpty && secret.Reveal().Length >= 4)
            {
                message = message.Replace(secret.Reveal(), "***", StringComparison.Ordinal);
            }
        }
        return message;
    }

    private List<Secret> KnownSecrets()
    {
        lock (_stateLock)
        {
            var secrets = new List<Secret> { _options.ApplicationSecret, _options.RefreshToken, _refreshToken };
            if (_token is not null)
            {
                secrets.Add(_token.Value);
            }
            return secrets;
        }
    }

    /// <summary>The current access token, fetched or renewed when missing, near expiry, or the one just refused (generation).</summary>
    private async Task<(AccessToken? Token, ApiOutcome? Failure)> GetTokenAsync(long? staleGeneration, CancellationToken cancellationToken,
        CancellationToken stopWaiting = default)
    {
        var current = CurrentToken();
        if (current is not null && current.Generation != staleGeneration && _time.GetUtcNow() < current.RenewAt)
        {
            return (current, null);
        }
        using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopWaiting))
        {
            await _tokenLock.WaitAsync(waiting.Token).ConfigureAwait(false);
        }
        try
        {
            // Another caller may have renewed it while this one waited.
            current = CurrentToken();
            if (current is not null && current.Generation != staleGeneration && _time.GetUtcNow() < current.RenewAt)
            {
                return (current, null);
            }
            return await FetchTokenAsync(current?.Generation ?? 0, cancellationToken, stopWaiting).ConfigureAwait(false);
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    /// <summary>The access token held now, for tests that prove it is written nowhere.</summary>
    internal Secret? CurrentAccessToken => CurrentToken()?.Value;

    private AccessToken? CurrentToken()
    {
        lock (_stateLock)
        {
            return _token;
        }
    }

    private async Task<(AccessToken?, ApiOutcome?)> FetchTokenAsync(long previousGeneration, CancellationToken cancellationToken, CancellationToken stopWaiting)
    {
        var root = _options.ApiRoot.AbsoluteUri.TrimEnd('/');
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(root + "/accessToken"));
        request.Headers.TryAddWithoutValidation("applicationId", _options.ApplicationId);
        request.Headers.TryAddWithoutValidation("applicationSecret", _options.ApplicationSecret.Reveal());
        Secret refreshToken;
        lock (_stateLock)
        {
            refreshToken = _refreshToken;
        }
        request.Headers.TryAddWithoutValidation("refreshToken", refreshToken.Reveal());
        var fetchedAt = _time.GetUtcNow();
        var (status, response) = await SendOnceAsync(request, cancellationToken, stopWaiting).ConfigureAwait(false);
        if (response is ApiOutcome failure)
        {
            return (null, failure);
        }
        using var answer = (HttpResponseMessage)response!;
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            if (refreshToken.Reveal() != _options.RefreshToken.Reveal())
            {
                // The kept (rotated) token was refused: the admin may have granted a new one, now in the run file's
                // refreshToken. Try that once; a later rotation overwrites the file.
                _logger.LogWarning("The refresh token kept in {RefreshTokenFile} was refused; trying the run file's refreshToken", _options.RefreshTokenFile);
                lock (_stateLock)
                {
                    _refreshToken = _options.RefreshToken;
                }
                ForgetKeptRefreshToken();
                answer.Dispose();
                return await FetchTokenAsync(previousGeneration, cancellationToken, stopWaiting).ConfigureAwait(false);
            }
            throw new KaizalaAuthenticationException(
                $"The token service refused the connector's credentials (HTTP {(int)status!}): check applicationId, applicationSecret and refreshToken.");
        }
        var outcome = await ToOutcomeAsync(answer, cancellationToken).ConfigureAwait(false);
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
        if (!endpoint.AbsolutePath.EndsWith('/'))
        {
            endpoint = new Uri(endpoint.AbsoluteUri + "/");
        }
        EnsureAllowed(endpoint);
        var expiry = ReadEpochMs(body["accessTokenExpiry"]) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : fetchedAt.AddHours(24);
        var lifetime = expiry - fetchedAt;
        var margin = TimeSpan.FromTicks(Math.Min(_options.RenewBeforeExpiry.Ticks, Math.Max(lifetime.Ticks / 10, 0)));
        var token = new AccessToken(new Secret(value), expiry - margin, previousGeneration + 1);
        lock (_stateLock)
        {
            // A 308 move outlives renewals unless the token service itself names a different endpoint.
            if (_endpoint is null || _tokenEndpoint is null || _tokenEndpoint != endpoint)
            {
                _endpoint = endpoint;
            }
            _tokenEndpoint = endpoint;
            _token = token;
        }
        _logger.LogInformation("Access token obtained; it expires at {Expiry:u}; calls go to {EndpointUrl}", expiry, EndpointUrl);
        if ((string?)body["refreshToken"] is { Length: > 0 } rotated && rotated != refreshToken.Reveal())
        {
            KeepRefreshToken(new Secret(rotated));
        }
        return (token, null);
    }

    private void KeepRefreshToken(Secret rotated)
    {
        lock (_stateLock)
        {
            _refreshToken = rotated;
        }
        if (_options.RefreshTokenFile is not { } path)
        {
            _logger.LogWarning("The service issued a new refresh token but no file is configured to keep it; it lives until the process ends");
            return;
        }
        WriteSecretFile(path, rotated);
        _logger.LogInformation("The service rotated the refresh token; the new one is kept in {RefreshTokenFile}", path);
    }

    /// <summary>Writes a secret atomically (temp file, flush, rename) to a file only its owner can read (0600 on Unix).</summary>
    internal static void WriteSecretFile(string path, Secret secret)
    {
        var full = Path.GetFullPath(path);
        var temp = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(secret.Reveal()));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Deletes the kept refresh token file once the service refused its token: it is worth nothing any more.</summary>
    private void ForgetKeptRefreshToken()
    {
        if (_options.RefreshTokenFile is not { } path)
        {
            return;
        }
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Could not delete {RefreshTokenFile}: {Error}", path, ex.Message);
        }
    }

    private static Secret LoadRefreshToken(KaizalaClientOptions options, ILogger logger)
    {
        if (options.RefreshTokenFile is { } path && File.Exists(path))
        {
            var kept = File.ReadAllText(path).Trim();
            if (kept.Length > 0)
            {
                logger.LogInformation("Using the rotated refresh token kept in {RefreshTokenFile}", path);
                return new Secret(kept);
            }
        }
        return options.RefreshToken;
    }

    public void Dispose()
    {
        _http.Dispose();
        _tokenLock.Dispose();
    }
}
