using System.Globalization;
using KaizalaBatch.Emulator.Endpoints;
using KaizalaBatch.Emulator.Pipeline;
using KaizalaBatch.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Emulator;

/// <summary>
/// The Kaizala service stand-in: a real Kestrel server (loopback by default) that behaves as
/// REFERENCE.md says, including its throttling, token rules, moves and (seeded) faults.
/// See docs/emulator.md.
/// </summary>
public sealed class KaizalaEmulator : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Service service;
    private readonly CancellationTokenSource stopping;
    private int stopped;
    private int disposed;

    private KaizalaEmulator(WebApplication app, Service service, CancellationTokenSource stopping, Uri baseUrl)
    {
        this.app = app;
        this.service = service;
        this.stopping = stopping;
        BaseUrl = baseUrl;
    }

    public EmulatorOptions Options => service.Options;

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:45123/</c>; also the initial endpointUrl.</summary>
    public Uri BaseUrl { get; }

    /// <summary><see cref="BaseUrl"/> + <c>v1</c>: what a run file's connection.apiRoot names; <c>GET {ApiRoot}/accessToken</c>.</summary>
    public Uri ApiRoot => new(BaseUrl, "v1");

    /// <summary>A snapshot of every accepted Action in arrival order (the same data as <c>GET /_emulator/actions</c>).</summary>
    public IReadOnlyList<AcceptedAction> Actions => service.Store.Snapshot();

    /// <summary>Every reminder accepted so far, in arrival order (the same data as <c>GET /_emulator/reminders</c>).</summary>
    public IReadOnlyList<State.Reminder> Reminders => service.Store.Reminders();

    /// <summary>How many API calls arrived so far (the inspection routes do not count).</summary>
    public long Calls => service.Calls;

    /// <summary>Every access token and successor refresh token issued so far, for tests that prove a client writes them
    /// nowhere. In-process only: never served over HTTP.</summary>
    public IReadOnlyList<string> IssuedSecrets => service.Credentials.IssuedSecrets();

    /// <summary>
    /// Completes once at least <paramref name="count"/> answers are being held back by a
    /// <see cref="EmulatorOptions.Time"/> delay (latency or the slow fault): with a FakeTimeProvider,
    /// advancing the clock after this releases them.
    /// </summary>
    public Task WhenHeldAsync(int count, CancellationToken ct = default) => service.Held.WhenHeldAsync(count, ct);

    /// <summary>Forgets Actions, responses, stats, throttle windows and the call count; keeps issued tokens.</summary>
    public void Reset() => service.Reset();

    /// <summary>
    /// Starts the emulator on <paramref name="url"/> (several separated by ';'); port 0 picks a free port.
    /// Plain HTTP only.
    /// </summary>
    public static async Task<KaizalaEmulator> StartAsync(
        EmulatorOptions options, string url = "http://127.0.0.1:0", CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentException.ThrowIfNullOrWhiteSpace(url);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(KaizalaEmulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 128L * 1024 * 1024);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();

        var app = builder.Build();
        var stopping = new CancellationTokenSource();
        var service = new Service(options, stopping.Token);
        if (options.StateFile is { } stateFile)
        {
            StateFile.Load(stateFile, service.Store);
        }

        Map(app, service);

        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            stopping.Dispose();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KaizalaEmulator(app, service, stopping, Reachable(address));
    }

    /// <summary>Runs as a server until <paramref name="ct"/> is cancelled (for the CLI).</summary>
    public static Task RunAsync(EmulatorOptions options, string urls, CancellationToken ct) =>
        RunAsync(options, urls, started: null, ct);

    /// <summary>Runs as a server until <paramref name="ct"/> is cancelled; <paramref name="started"/> hears when it listens.</summary>
    public static async Task RunAsync(EmulatorOptions options, string urls, Action<KaizalaEmulator>? started, CancellationToken ct)
    {
        await using var emulator = await StartAsync(options, urls, ct).ConfigureAwait(false);
        started?.Invoke(emulator);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (ct.Register(() => cancelled.TrySetResult()))
        {
            await cancelled.Task.ConfigureAwait(false);
        }

        await emulator.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        await app.StopAsync(ct).ConfigureAwait(false);
        if (service.Options.StateFile is { } stateFile)
        {
            StateFile.Save(stateFile, service.Store);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        stopping.Dispose();
    }

    private static void Map(WebApplication app, Service service)
    {
        app.UseRouting();
        app.Use((http, next) => Observe(http, next, service));

        var filter = new ApiCallFilter(service);
        var token = new TokenEndpoint(service);
        var actions = new ActionEndpoints(service);
        var media = new MediaEndpoint();
        var groups = new GroupEndpoints(service);
        var inspection = new InspectionEndpoints(service);

        app.MapGet("/v1/accessToken", token.Handle)
            .WithMetadata(new ApiRoute("GET /v1/accessToken", IsToken: true, Generation: 0, IsActionPost: false))
            .AddEndpointFilter(filter);

        // Generation 0 is the original endpoint; generation 1 the one it moves to (mapped only when it can move).
        var generations = service.Options.MoveAfter is null ? 1 : 2;
        for (var generation = 0; generation < generations; generation++)
        {
            var api = app.MapGroup(generation == 0 ? "/v1" : $"/moved/{generation}/v1").AddEndpointFilter(filter);
            api.MapPost("/groups/{groupId}/actions", actions.SendAsync)
                .WithMetadata(Route("POST /v1/groups/{groupId}/actions", generation, isActionPost: true));
            api.MapGet("/groups/{groupId}/actions", actions.List)
                .WithMetadata(Route("GET /v1/groups/{groupId}/actions", generation));
            api.MapGet("/groups/{groupId}/actions/{actionId}", actions.Details)
                .WithMetadata(Route("GET /v1/groups/{groupId}/actions/{actionId}", generation));
            api.MapPost("/groups/{groupId}/actions/{actionId}/responses", actions.RespondAsync)
                .WithMetadata(Route("POST /v1/groups/{groupId}/actions/{actionId}/responses", generation));
            api.MapPost("/groups/{groupId}/actions/{actionId}/reminder", actions.RemindAsync)
                .WithMetadata(Route("POST /v1/groups/{groupId}/actions/{actionId}/reminder", generation));
            api.MapPost("/media", (Func<HttpContext, Task<IResult>>)media.HandleAsync)
                .WithMetadata(Route("POST /v1/media", generation));
            api.MapGet("/groups", groups.List)
                .WithMetadata(Route("GET /v1/groups", generation));
            api.MapGet("/groups/{groupId}", groups.Details)
                .WithMetadata(Route("GET /v1/groups/{groupId}", generation));
            api.MapGet("/groups/{groupId}/subGroups", groups.SubGroups)
                .WithMetadata(Route("GET /v1/groups/{groupId}/subGroups", generation));
            api.MapGet("/groups/{groupId}/members", groups.Members)
                .WithMetadata(Route("GET /v1/groups/{groupId}/members", generation));
        }

        app.MapGet("/_emulator/actions", inspection.ActionsAsync);
        app.MapGet("/_emulator/stats", inspection.Stats);
        app.MapPost("/_emulator/reset", inspection.Reset);
        app.MapGet("/_emulator/responses", inspection.Responses);
        app.MapGet("/_emulator/reminders", inspection.Reminders);

        static ApiRoute Route(string template, int generation, bool isActionPost = false) =>
            new(template, IsToken: false, generation, isActionPost);
    }

    /// <summary>Counts every API call by route and outcome, and turns a crash or a cut-off answer into an outcome.</summary>
    private static async Task Observe(HttpContext http, RequestDelegate next, Service service)
    {
        if (http.Request.Path.StartsWithSegments("/_emulator", StringComparison.OrdinalIgnoreCase))
        {
            await next(http).ConfigureAwait(false);
            return;
        }

        try
        {
            await next(http).ConfigureAwait(false);
            service.Record(http, http.Response.StatusCode.ToString(CultureInfo.InvariantCulture));
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested || service.Stopping.IsCancellationRequested)
        {
            service.Record(http, "client-abort");
            http.Abort();
        }
        catch (BadHttpRequestException e) when (!http.Response.HasStarted)
        {
            // Kestrel's own refusals: a body cut short, too large, ...
            service.Record(http, e.StatusCode.ToString(CultureInfo.InvariantCulture));
            await Answers.Error(e.StatusCode, "BadRequest", e.Message, "body").ExecuteAsync(http).ConfigureAwait(false);
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            // An emulator bug: say so in the answer rather than hiding it behind a bare 500.
            service.Record(http, "500");
            await Answers.Error(StatusCodes.Status500InternalServerError, "EmulatorBug", e.ToString()).ExecuteAsync(http).ConfigureAwait(false);
        }
    }

    /// <summary>A wildcard listen address is not something a client can call: name loopback instead.</summary>
    private static Uri Reachable(string address)
    {
        var uri = new UriBuilder(address);
        if (uri.Host is "0.0.0.0" or "[::]" or "::" or "+" or "*")
        {
            uri.Host = "127.0.0.1";
        }

        uri.Path = "/";
        return uri.Uri;
    }
}
