using System.Globalization;
using KaizalaBatch.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace KaizalaBatch.Emulator.Pipeline;

/// <summary>Everything the emulated service remembers, shared by all requests.</summary>
internal sealed class Service(EmulatorOptions options, CancellationToken stopping)
{
    public const string CallNumberKey = "kaizala.call";
    public const string ConnectorKey = "kaizala.connector";
    private const string RecordedKey = "kaizala.recorded";

    private long calls;

    public EmulatorOptions Options { get; } = options;

    public TimeProvider Time => Options.Time;

    /// <summary>Cancelled when the emulator stops, so held answers do not keep Kestrel from stopping.</summary>
    public CancellationToken Stopping { get; } = stopping;

    public ActionStore Store { get; } = new();

    public GroupDirectory Groups { get; } = new(options);

    public Credentials Credentials { get; } = new(options);

    public CallWindows Windows { get; } = new(options.PerMinute, options.TenantPerMinute);

    public FaultPlan Faults { get; } = new(options);

    public CallStats Stats { get; } = new();

    public HeldAnswers Held { get; } = new();

    public long Calls => Interlocked.Read(ref calls);

    /// <summary>An Action's responses now: those posted, and the simulated members' whose time has come.</summary>
    public IReadOnlyList<ActionResponse> ResponsesOf(AcceptedAction action)
    {
        var posted = action.ActionId is { } id ? Store.Responses(id) : [];
        var simulated = SimulatedResponses.For(action, Options, Time.GetUtcNow());
        return simulated.Count == 0 ? posted : [.. simulated, .. posted];
    }

    /// <summary>Numbers API calls 1, 2, 3, ... in arrival order.</summary>
    public long NextCallNumber() => Interlocked.Increment(ref calls);

    /// <summary>Which endpoint is current at call number <paramref name="call"/>: 0 before the move, 1 after.</summary>
    public int GenerationAt(long call) => Options.MoveAfter is { } after && call > after ? 1 : 0;

    /// <summary>The endpointUrl of a generation, on the host the client used to reach us.</summary>
    public static string EndpointUrl(HttpRequest request, int generation) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}/" + (generation == 0 ? "" : $"moved/{generation}/");

    /// <summary>
    /// Counts a finished API call under its route and outcome (once), and logs it when asked to.
    /// An aborted call is recorded before the abort, so a client that sees the reset already finds it in the stats.
    /// </summary>
    public void Record(HttpContext http, string outcome)
    {
        if (http.Items.ContainsKey(RecordedKey))
        {
            return;
        }

        http.Items[RecordedKey] = true;
        var route = http.GetEndpoint()?.Metadata.GetMetadata<ApiRoute>()?.Template ?? "(unmatched)";
        Stats.Record(route, outcome);
        if (Options.Log is { } log)
        {
            var call = http.Items[CallNumberKey] is long n ? n.ToString(CultureInfo.InvariantCulture) : "-";
            // The connector whose access token made the call (not a secret), once the call is authenticated.
            var by = http.Items[ConnectorKey] is string connector ? $" by {connector}" : "";
            log($"{call} {http.Request.Method} {http.Request.Path}{http.Request.QueryString}{by} -> {outcome}");
        }
    }

    /// <summary>Forgets Actions, responses, stats, throttle windows and the call count (so the move too); keeps tokens.</summary>
    public void Reset()
    {
        Store.Clear();
        Stats.Clear();
        Windows.Clear();
        Interlocked.Exchange(ref calls, 0);
    }
}
