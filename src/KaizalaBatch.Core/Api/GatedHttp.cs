using System.Net;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Api;

/// <summary>What one request came to on the wire: the service's answer, or why none came (<see cref="NoAnswer"/>: a timeout
/// or a broken connection, outcome unknown).</summary>
internal readonly record struct WireResult(HttpResponseMessage? Answer, Transient? NoAnswer);

/// <summary>The HTTP connection every request of a client leaves by: each waits at the gate for a permit, runs with the
/// client timeout on the <see cref="TimeProvider"/>, and a 429 is reported to the gate before its permit is given back.</summary>
internal sealed class GatedHttp : IDisposable
{
    private readonly ICallGate _gate;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<string, string> _scrub;
    private readonly HttpClient _http;

    /// <param name="scrub">Removes the connection's secrets from an error message that came from elsewhere.</param>
    public GatedHttp(ICallGate gate, TimeSpan timeout, TimeProvider time, ILogger logger, Func<string, string> scrub)
    {
        _gate = gate;
        _timeout = timeout;
        _time = time;
        _logger = logger;
        _scrub = scrub;
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = Math.Max(gate.Concurrency, 1) + 1,
            UseCookies = false,
        })
        {
            // Per-call timeouts run on the TimeProvider instead (see SendAsync).
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Sends <paramref name="request"/> once the gate lets it through.</summary>
    /// <param name="stopWaiting">Cancels only the wait for a permit: once it is given, the request leaves.</param>
    /// <param name="beforeSend">Runs with the permit held, just before the request's bytes leave.</param>
    public async Task<WireResult> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken, CancellationToken stopWaiting,
        Func<ValueTask>? beforeSend = null)
    {
        ICallPermit permit;
        if (!stopWaiting.CanBeCanceled || !cancellationToken.CanBeCanceled)
        {
            // One token to wait with: no linked source to make and dispose (once per call).
            permit = await _gate.AcquireAsync(stopWaiting.CanBeCanceled ? stopWaiting : cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopWaiting);
            permit = await _gate.AcquireAsync(waiting.Token).ConfigureAwait(false);
        }
        using var held = permit;
        if (beforeSend is not null)
        {
            await beforeSend().ConfigureAwait(false);
        }
        // The timeout's source also ends the call when the caller cancels: one source per call instead of a linked second.
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var forward = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timeout);
        try
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            if (_logger.IsEnabled(LogLevel.Debug)) // once per call: no arguments boxed, no path built, unless shown
            {
                _logger.LogDebug("{Method} {Path} answered {Status}", request.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode);
            }
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                // Before the permit is given back: the gate (the pacer) learns the service's pace from the calls it let through.
                permit.Throttled(ApiAnswer.ThrottledFor(response, _time));
            }
            return new WireResult(response, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("{Method} {Path} timed out after {TimeoutSeconds} s; outcome unknown", request.Method, request.RequestUri!.AbsolutePath, _timeout.TotalSeconds);
            return new WireResult(null, new Transient(TransientKind.Timeout, $"no answer within {_timeout.TotalSeconds:0.#} s"));
        }
        catch (HttpRequestException ex)
        {
            _logger.LogWarning("{Method} {Path} failed: {Error}; outcome unknown", request.Method, request.RequestUri!.AbsolutePath, ex.Message);
            return new WireResult(null, new Transient(TransientKind.Reset, _scrub(ex.Message)));
        }
    }

    public void Dispose() => _http.Dispose();
}
