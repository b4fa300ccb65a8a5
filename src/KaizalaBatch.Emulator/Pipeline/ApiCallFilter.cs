using KaizalaBatch.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace KaizalaBatch.Emulator.Pipeline;

/// <summary>
/// What happens to every API call before and after its handler, in this order:
/// <list type="number">
/// <item>count: the call gets its number n (arrival order);</item>
/// <item>throttle: per connector, then per tenant; over a limit → 429 + Retry-After (the call does not enter the windows);</item>
/// <item>move: once n &gt; MoveAfter the old endpoint path answers 308, Location = the new endpointUrl (the token call never moves);</item>
/// <item>auth: the token call checks its credentials in its handler; any other call needs a valid accessToken header → else 401;</item>
/// <item>fault drawn from (Seed, n): 5xx → 500/503, reset → abort; otherwise the handler runs;</item>
/// <item>after the handler: slow → hold the answer SlowDelay; latency → hold every answer Latency;
/// accept-drop (a 200 to POST actions only) → abort instead of answering.</item>
/// </list>
/// The connector a call counts for: its access token's applicationId, else its applicationId header.
/// </summary>
internal sealed class ApiCallFilter(Service service) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var route = http.GetEndpoint()!.Metadata.GetMetadata<ApiRoute>()!;
        var call = service.NextCallNumber();
        http.Items[Service.CallNumberKey] = call;

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, service.Stopping);
        var ct = linked.Token;
        var (answer, fault) = await DecideAsync(context, next, route, call).ConfigureAwait(false);

        if (fault == Fault.Slow)
        {
            await service.Held.HoldAsync(service.Options.SlowDelay, service.Time, ct).ConfigureAwait(false);
        }

        if (service.Options.Latency > TimeSpan.Zero)
        {
            await service.Held.HoldAsync(service.Options.Latency, service.Time, ct).ConfigureAwait(false);
        }

        var drop = fault == Fault.Reset ||
            (fault == Fault.AcceptDrop && answer is JsonAnswer { Status: StatusCodes.Status200OK });
        if (drop)
        {
            service.Record(http, fault == Fault.Reset ? "reset" : "accept-drop");
            http.Abort();
            return Results.Empty;
        }

        return answer;
    }

    private async ValueTask<(object? Answer, Fault Fault)> DecideAsync(
        EndpointFilterInvocationContext context, EndpointFilterDelegate next, ApiRoute route, long call)
    {
        var http = context.HttpContext;
        var headers = http.Request.Headers;
        var now = service.Time.GetUtcNow();
        var grant = route.IsToken ? null : service.Credentials.Find(headers["accessToken"].ToString(), now);
        var claimed = headers["applicationId"].ToString();
        var connector = grant?.Connector ?? (claimed.Length > 0 ? claimed : "(anonymous)");

        if (service.Windows.TryAdmit(connector, now) is { } retryAfter)
        {
            var throttled = Answers.Error(
                StatusCodes.Status429TooManyRequests,
                "TooManyRequests",
                $"call rate limit exceeded; retry after {retryAfter} s");
            return (throttled.With("Retry-After", retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture)), Fault.None);
        }

        if (!route.IsToken)
        {
            var current = service.GenerationAt(call);
            if (route.Generation < current)
            {
                var endpointUrl = Service.EndpointUrl(http.Request, current);
                var moved = Answers.Error(StatusCodes.Status308PermanentRedirect, "EndpointMoved", $"the endpoint moved to {endpointUrl}");
                return (moved.With("Location", endpointUrl), Fault.None);
            }

            if (route.Generation > current)
            {
                return (Answers.NotFound("no such endpoint"), Fault.None);
            }

            if (grant is null)
            {
                return (Answers.Unauthorized("a valid, unexpired accessToken header is required"), Fault.None);
            }

            if (claimed.Length > 0 && claimed != grant.Connector)
            {
                return (Answers.Unauthorized("the applicationId header does not match the accessToken"), Fault.None);
            }

            http.Items[Service.ConnectorKey] = grant.Connector;
        }

        var fault = service.Faults.Draw(call, route.IsActionPost);
        switch (fault)
        {
            case Fault.InternalServerError:
                return (Answers.Error(StatusCodes.Status500InternalServerError, "InternalServerError", "injected fault"), fault);
            case Fault.ServiceUnavailable:
                return (Answers.Error(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", "injected fault"), fault);
            case Fault.Reset:
                return (null, fault);
            default:
                return (await next(context).ConfigureAwait(false), fault);
        }
    }
}
