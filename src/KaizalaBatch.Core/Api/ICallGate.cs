namespace KaizalaBatch.Api;

/// <summary>What the client waits at before each request (token, media, read-back, actions). The pacer in Sending is the
/// one in use; it is defined here so that the client, a stage below Sending, does not call up into it.</summary>
public interface ICallGate
{
    /// <summary>Requests in flight at most: the client keeps that many connections open (and one spare).</summary>
    int Concurrency { get; }

    /// <summary>Waits until one more request may start; the request may leave when this returns.</summary>
    ValueTask<ICallPermit> AcquireAsync(CancellationToken cancellationToken);

    /// <summary>How long until <paramref name="calls"/> more calls can all have started; null when nothing limits the pace.
    /// A pool of connectors gives its next item to the connector that can call soonest.</summary>
    TimeSpan? EstimateFor(int calls) => null;
}

/// <summary>Leave to make one request; disposing it says the request is over (answered, failed or given up).</summary>
public interface ICallPermit : IDisposable
{
    /// <summary>The service answered this request 429 with <paramref name="retryAfter"/> (its Retry-After, else a minute).
    /// Called before the permit is disposed, so the gate still sees the request among those it let through.</summary>
    void Throttled(TimeSpan retryAfter);

    /// <summary>The service answered this request 429 for a cause that is not this gate's (the tenant's window, when this gate
    /// is a connector's): the request did not count for the service, and this gate neither pauses nor learns from it.</summary>
    void Refused()
    {
    }
}
