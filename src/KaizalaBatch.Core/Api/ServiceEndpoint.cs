using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Api;

/// <summary>Where platform calls go: the endpointUrl the token service names, until the service moves it with a 308.
/// A move outlives token renewals unless the token service itself names a different endpoint.</summary>
internal sealed class ServiceEndpoint(ILogger logger)
{
    private readonly Lock _lock = new();
    private Uri? _current;
    private Uri? _named;

    /// <summary>Null before the first token.</summary>
    public Uri? Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>The endpoint a token answer names, as a base for relative paths (a trailing slash), and allowed.</summary>
    public static Uri AsBase(Uri endpoint)
    {
        if (!endpoint.AbsolutePath.EndsWith('/'))
        {
            endpoint = new Uri(endpoint.AbsoluteUri + "/");
        }
        KaizalaClient.EnsureAllowed(endpoint);
        return endpoint;
    }

    /// <summary>The token service named <paramref name="endpoint"/> (see <see cref="AsBase"/>).</summary>
    public void NamedByTokenService(Uri endpoint)
    {
        lock (_lock)
        {
            if (_current is null || _named is null || _named != endpoint)
            {
                _current = endpoint;
            }
            _named = endpoint;
        }
    }

    /// <summary>A 308 to <paramref name="location"/> answered a request to <paramref name="requestUrl"/>: this call and every
    /// later one go there. Throws <see cref="InsecureEndpointException"/> for a move to plain http off loopback.</summary>
    public Uri Moved(Uri requestUrl, Uri location)
    {
        var moved = location.IsAbsoluteUri ? location : new Uri(requestUrl, location);
        KaizalaClient.EnsureAllowed(moved);
        lock (_lock)
        {
            _current = moved;
        }
        logger.LogInformation("The service moved the endpoint to {EndpointUrl}; later calls go there", moved);
        return moved;
    }
}
