using System.Net;
using KaizalaBatch.Emulator.State;
using KaizalaBatch.Emulator.Tests.Support;

namespace KaizalaBatch.Emulator.Tests;

/// <summary>Seeded faults: rates as configured, the same seed the same sequence, time via TimeProvider.</summary>
public sealed class FaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static EmulatorOptions Unthrottled(TimeProvider time) => new() { PerMinute = 0, TenantPerMinute = 0, Time = time };

    /// <summary>Makes <paramref name="count"/> token calls and notes what each got: a status, or "reset".</summary>
    private static async Task<List<string>> OutcomesAsync(EmulatorOptions options, int count)
    {
        await using var emulator = await KaizalaEmulator.StartAsync(options, ct: Ct);
        using var api = new Api(emulator);
        var outcomes = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            try
            {
                outcomes.Add(((int)(await api.TokenCallAsync()).Status).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (HttpRequestException)
            {
                outcomes.Add("reset");
            }
        }

        return outcomes;
    }

    [Fact]
    public async Task Five_hundreds_and_resets_come_at_about_the_configured_rates()
    {
        var outcomes = await OutcomesAsync(Unthrottled(Clock.Fake()) with { Seed = 7, Fault5xx = 0.2, FaultReset = 0.1 }, 400);

        var serverErrors = outcomes.Count(o => o is "500" or "503");
        var resets = outcomes.Count(o => o == "reset");
        Assert.InRange(serverErrors, 50, 110);
        Assert.InRange(resets, 20, 60);
        Assert.Contains("500", outcomes);
        Assert.Contains("503", outcomes);
        Assert.Equal(400 - serverErrors - resets, outcomes.Count(o => o == "200"));
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_fault_sequence_and_another_seed_another()
    {
        var options = Unthrottled(Clock.Fake()) with { Seed = 42, Fault5xx = 0.15, FaultReset = 0.15 };

        var first = await OutcomesAsync(options, 120);
        var second = await OutcomesAsync(options, 120);
        var otherSeed = await OutcomesAsync(options with { Seed = 43 }, 120);

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public async Task Accept_drop_stores_the_Action_and_then_cuts_the_connection()
    {
        await using var emulator = await KaizalaEmulator.StartAsync(Unthrottled(Clock.Fake()) with { FaultAcceptDrop = 1 }, ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync(); // accept-drop only ever hits POST actions

        await Assert.ThrowsAnyAsync<HttpRequestException>(() =>
            api.PostActionAsync(Api.Json("{'actionType':'Job','actionBody':{'title':'dropped','assignedTo':['+911111111111']}}")));

        var inspected = await api.InspectAsync("actions");
        var action = Assert.Single(inspected["actions"]!.AsArray());
        Assert.Equal("dropped", action!["actionBody"]!["title"]!.GetValue<string>());
        Assert.Equal(1, (await api.InspectAsync("stats"))["routes"]!["POST /v1/groups/{groupId}/actions"]!["accept-drop"]!.GetValue<long>());

        // A refused body is not "accepted", so it is answered normally.
        var refused = await api.PostActionAsync(Api.Json("{'actionType':'Job','actionBody':{}}"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    [Fact]
    public async Task A_reset_cuts_the_connection_without_storing_the_Action()
    {
        var options = Unthrottled(Clock.Fake()) with { FaultReset = 0.5 };
        options = options with { Seed = SeedWhere(options, call => call == 1 ? Fault.None : Fault.Reset, calls: 2) };
        await using var emulator = await KaizalaEmulator.StartAsync(options, ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync(); // call 1: no fault

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => // call 2: reset
            api.PostActionAsync(Api.Json("{'actionType':'Job','actionBody':{'title':'lost','assignedTo':['+911111111111']}}")));

        Assert.Empty(emulator.Actions);
        Assert.Equal(1, (await api.InspectAsync("stats"))["routes"]!["POST /v1/groups/{groupId}/actions"]!["reset"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_slow_answer_arrives_only_after_SlowDelay_but_the_Action_is_stored_at_once()
    {
        var time = Clock.Fake();
        await using var emulator = await KaizalaEmulator.StartAsync(Unthrottled(time) with { FaultSlow = 1 }, ct: Ct);
        using var api = new Api(emulator);

        var signIn = api.SignInAsync();
        await emulator.WhenHeldAsync(1, Ct);
        time.Advance(TimeSpan.FromSeconds(69));
        Assert.False(signIn.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await signIn;

        var post = api.PostActionAsync(Api.Json("{'actionType':'Job','actionBody':{'title':'slow','assignedTo':['+911111111111']}}"));
        await emulator.WhenHeldAsync(1, Ct);
        Assert.Single(emulator.Actions);
        Assert.False(post.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(70));
        Assert.Equal(HttpStatusCode.OK, (await post).Status);
    }

    [Fact]
    public async Task A_client_that_gives_up_on_a_held_answer_is_counted_as_client_abort()
    {
        await using var emulator = await KaizalaEmulator.StartAsync(Unthrottled(Clock.Fake()) with { FaultSlow = 1 }, ct: Ct);
        using var api = new Api(emulator);
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl };
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/accessToken")
        {
            Headers = { { "applicationId", "a" }, { "applicationSecret", "s" }, { "refreshToken", "r" } },
        };

        var call = http.SendAsync(request, giveUp.Token);
        await emulator.WhenHeldAsync(1, Ct);
        await giveUp.CancelAsync(); // what a client timeout does
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        // The server notices the closed connection on its own schedule: look until it has.
        for (var attempt = 0; ; attempt++)
        {
            var counts = (await api.InspectAsync("stats"))["routes"]?["GET /v1/accessToken"];
            if (counts?["client-abort"] is { } aborted)
            {
                Assert.Equal(1, aborted.GetValue<long>());
                break;
            }

            Assert.True(attempt < 5_000, "the abandoned call was never counted");
            await Task.Yield();
        }
    }

    [Fact]
    public async Task Latency_delays_every_answer_on_the_emulator_clock()
    {
        var time = Clock.Fake();
        await using var emulator = await KaizalaEmulator.StartAsync(Unthrottled(time) with { Latency = TimeSpan.FromMilliseconds(250) }, ct: Ct);
        using var api = new Api(emulator);

        var signIn = api.SignInAsync();
        await emulator.WhenHeldAsync(1, Ct);
        time.Advance(TimeSpan.FromMilliseconds(249));
        Assert.False(signIn.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await signIn;

        using var stranger = new Api(emulator);
        var unauthorized = stranger.ListAsync(); // a 401 is an answer too
        await emulator.WhenHeldAsync(1, Ct);
        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(HttpStatusCode.Unauthorized, (await unauthorized).Status);
    }

    [Fact]
    public void The_fault_plan_is_a_pure_function_of_seed_and_call_number()
    {
        var options = new EmulatorOptions { Seed = 3, Fault5xx = 0.1, FaultReset = 0.1, FaultSlow = 0.1, FaultAcceptDrop = 0.1 };
        var plan = new FaultPlan(options);
        var again = new FaultPlan(options);

        var draws = Enumerable.Range(1, 10_000).Select(n => plan.Draw(n, isActionPost: true)).ToArray();

        Assert.Equal(draws, Enumerable.Range(1, 10_000).Select(n => again.Draw(n, isActionPost: true)));
        foreach (var fault in new[] { Fault.Reset, Fault.Slow, Fault.AcceptDrop })
        {
            Assert.InRange(draws.Count(d => d == fault), 850, 1150);
        }

        Assert.InRange(draws.Count(d => d is Fault.InternalServerError or Fault.ServiceUnavailable), 850, 1150);
        Assert.DoesNotContain(Enumerable.Range(1, 10_000), n => plan.Draw(n, isActionPost: false) == Fault.AcceptDrop);
    }

    private static int SeedWhere(EmulatorOptions options, Func<int, Fault> wanted, int calls)
    {
        for (var seed = 0; ; seed++)
        {
            var plan = new FaultPlan(options with { Seed = seed });
            if (Enumerable.Range(1, calls).All(n => plan.Draw(n, isActionPost: true) == wanted(n)))
            {
                return seed;
            }
        }
    }
}
