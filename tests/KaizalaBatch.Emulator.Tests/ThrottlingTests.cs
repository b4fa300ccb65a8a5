using System.Net;
using KaizalaBatch.Emulator.Tests.Support;

namespace KaizalaBatch.Emulator.Tests;

/// <summary>Sliding 60 s windows per connector and per tenant; an honest Retry-After.</summary>
public sealed class ThrottlingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exactly_PerMinute_calls_pass_and_Retry_After_is_honest_to_the_second()
    {
        var time = Clock.Fake();
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 5, TenantPerMinute = 0, Time = time }, ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync(); // call 1 at t0: the token call counts too
        time.Advance(TimeSpan.FromSeconds(10.5));
        for (var i = 2; i <= 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.ListAsync()).Status);
        }

        var sixth = await api.ListAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.Status);
        Assert.Equal("50", Assert.Single(sixth.Headers.GetValues("Retry-After"))); // 49.5 s rounded up
        time.Advance(TimeSpan.FromSeconds(49)); // one second early
        var early = await api.ListAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, early.Status);
        Assert.Equal(1, early.RetryAfter);
        time.Advance(TimeSpan.FromSeconds(1)); // exactly the first Retry-After after the first refusal
        Assert.Equal(HttpStatusCode.OK, (await api.ListAsync()).Status);

        // The window now holds the four calls of t0+10.5 s and this one: full again until t0+70.5 s.
        var again = await api.ListAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, again.Status);
        Assert.Equal(10, again.RetryAfter);
    }

    [Fact]
    public async Task Refused_calls_do_not_count_toward_the_window()
    {
        var time = Clock.Fake();
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 2, TenantPerMinute = 0, Time = time }, ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.ListAsync()).Status);

        int? retryAfter = null;
        for (var i = 0; i < 10; i++)
        {
            var refused = await api.ListAsync();
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
            retryAfter = refused.RetryAfter;
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(51, retryAfter);
        time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(HttpStatusCode.OK, (await api.ListAsync()).Status);
    }

    [Fact]
    public async Task Each_connector_has_its_own_window()
    {
        var time = Clock.Fake();
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 2, TenantPerMinute = 0, Time = time }, ct: Ct);
        using var a = new Api(emulator);
        using var b = new Api(emulator);
        await a.SignInAsync("connector-a");
        Assert.Equal(HttpStatusCode.OK, (await a.ListAsync()).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await a.ListAsync()).Status);

        await b.SignInAsync("connector-b");
        Assert.Equal(HttpStatusCode.OK, (await b.ListAsync()).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await b.ListAsync()).Status);
    }

    [Fact]
    public async Task The_tenant_limit_spans_connectors()
    {
        var time = Clock.Fake();
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 100, TenantPerMinute = 4, Time = time }, ct: Ct);
        using var a = new Api(emulator);
        using var b = new Api(emulator);
        await a.SignInAsync("connector-a");
        time.Advance(TimeSpan.FromSeconds(5));
        await b.SignInAsync("connector-b");
        Assert.Equal(HttpStatusCode.OK, (await a.ListAsync()).Status);
        Assert.Equal(HttpStatusCode.OK, (await b.ListAsync()).Status);

        var refusedA = await a.ListAsync();
        var refusedB = await b.ListAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, refusedA.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedB.Status);
        Assert.Equal(55, refusedB.RetryAfter);
        time.Advance(TimeSpan.FromSeconds(55));
        Assert.Equal(HttpStatusCode.OK, (await b.ListAsync()).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await a.ListAsync()).Status);
    }

    [Fact]
    public async Task Zero_means_unlimited()
    {
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, Time = Clock.Fake() }, ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync();
        for (var i = 0; i < 400; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.ListAsync()).Status);
        }
    }

    [Fact]
    public async Task Throttling_comes_before_authentication()
    {
        var time = Clock.Fake();
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 1, TenantPerMinute = 0, Time = time }, ct: Ct);
        using var api = new Api(emulator) { AccessToken = "garbage", ApplicationId = "connector-a" };

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.ListAsync()).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await api.ListAsync()).Status);
    }
}
