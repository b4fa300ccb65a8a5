namespace KaizalaBatch.Api;

/// <summary>The secrets a connection holds now: the application secret, the refresh token in use (the run file's, or a
/// rotated one) and the access token. Kept in one place so that every message that came from elsewhere (an error answer,
/// an exception) can be scrubbed of all of them.</summary>
internal sealed class ConnectionSecrets(KaizalaClientOptions options, Secret refreshToken)
{
    private readonly Lock _lock = new();
    private Secret _refreshToken = refreshToken;
    private AccessToken? _accessToken;

    public Secret RefreshToken
    {
        get
        {
            lock (_lock)
            {
                return _refreshToken;
            }
        }
        set
        {
            lock (_lock)
            {
                _refreshToken = value;
            }
        }
    }

    /// <summary>Null before the first token.</summary>
    public AccessToken? AccessToken
    {
        get
        {
            lock (_lock)
            {
                return _accessToken;
            }
        }
        set
        {
            lock (_lock)
            {
                _accessToken = value;
            }
        }
    }

    /// <summary>Removes every secret this connection knows from a message that came from elsewhere.</summary>
    public string Scrub(string message)
    {
        foreach (var secret in Known())
        {
            if (!secret.IsEmpty && secret.Reveal().Length >= 4)
            {
                message = message.Replace(secret.Reveal(), "***", StringComparison.Ordinal);
            }
        }
        return message;
    }

    private List<Secret> Known()
    {
        lock (_lock)
        {
            var secrets = new List<Secret> { options.ApplicationSecret, options.RefreshToken, _refreshToken };
            if (_accessToken is not null)
            {
                secrets.Add(_accessToken.Value);
            }
            return secrets;
        }
    }
}
