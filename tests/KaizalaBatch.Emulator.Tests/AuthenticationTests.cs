using System.Net;
using KaizalaBatch.Emulator.Tests.Support;

namespace KaizalaBatch.Emulator.Tests;

/// <summary>The token call, access-token expiry, pinned credentials, refresh-token rotation.</summary>
public sealed class AuthenticationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static EmulatorOptions Unthrottled(TimeProvider time) => new() { PerMinute = 0, TenantPerMinute = 0, Time = time };

    [Fact]
    public async Task The_token_answer_has_the_documented_shape()
    {
        var time = Clock.Fake();
        await using var emulator = await KaizalaEmulator.StartAsync(Unthrottled(time) with { TokenLifetime = TimeSpan.FromHours(2) }, ct: Ct);
        using var api = new Api(emulator);

        var reply = await api.TokenCallAsync();

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var body = reply.Body!.AsObject();
        Assert.Equal(["accessToken", "endpointUrl", "accessTokenExpiry", "refreshToken", "scope"], body.Select(p => p.Key));
        Assert.False(string.IsNullOrEmpty(body["accessToken"]!.GetValue<string>()));
        Assert.Equal(emulator.BaseUrl.ToString(), body["endpointUrl"]!.GetValue<string>());
        Assert.Equal((Clock.Start + TimeSpan.FromHours(2)).ToUnixTimeMilliseconds(), body["accessTokenExpiry"]!.GetValue<long>());
        Assert.Equal("", body["refreshToken"]!.GetValue<string>());
        Assert.Equal("token.write", body["scope"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null, "secret", "refresh-1")]
    [InlineData("connector-a", null, "refresh-1")]
    [InlineData("connector-a", "secret", null)]
    [InlineData("", "secret", "refresh-1")]
    public async Task A_token_call_without_every_credential_is_401(string? applicationId, string? secret, string? refreshToken)
    {
        await using var emulator = await KaizalaEmulator.StartAsync(Unthrottled(Clock.Fake()), ct: Ct);
        using var api = new Api(emulator);

        var reply = await api.TokenCallAsync(applicationId, secret, refreshToken);

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("Unauthorized", reply.Body!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_access_token_works_until_TokenLifetime_then_401()
    {
        var time = Clock.Fake();
        await using var emulator = await KaizalaEmulator.StartAsync(Unthrottled(time), ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync();

        time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.OK, (await api.ListAsync()).Status);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.ListAsync()).Status);

        await api.SignInAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.ListAsync()).Status);
    }

    [Fact]
    public async Task Calls_without_a_valid_token_are_401()
    {
        await using var emulator = await KaizalaEmulator.StartAsync(Unthrottled(Clock.Fake()), ct: Ct);
        using var api = new Api(emulator);
        var job = Api.Json("{'actionType':'Job','actionBody':{'title':'t','assignedTo':['+911111111111']}}");

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.PostActionAsync(job)).Status);
        api.AccessToken = "garbage";
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.PostActionAsync(job)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.UploadAsync([1, 2, 3], "image/png")).Status);
        Assert.Empty(emulator.Actions);
    }

    [Fact]
    public async Task The_applicationId_header_is_optional_but_must_match_the_token()
    {
        await using var emulator = await KaizalaEmulator.StartAsync(Unthrottled(Clock.Fake()), ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync("connector-a");

        api.ApplicationId = null;
        Assert.Equal(HttpStatusCode.OK, (await api.ListAsync()).Status);
        api.ApplicationId = "connector-b";
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.ListAsync()).Status);
    }

    [Fact]
    public async Task Pinned_credentials_refuse_anything_else()
    {
        var options = Unthrottled(Clock.Fake()) with { ApplicationId = "app-1", ApplicationSecret = "s3cret", RefreshToken = "rt-1" };
        await using var emulator = await KaizalaEmulator.StartAsync(options, ct: Ct);
        using var api = new Api(emulator);

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.TokenCallAsync("app-2", "s3cret", "rt-1")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.TokenCallAsync("app-1", "wrong", "rt-1")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.TokenCallAsync("app-1", "s3cret", "rt-2")).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.TokenCallAsync("app-1", "s3cret", "rt-1")).Status);
    }

    [Fact]
    public async Task The_refresh_token_rotates_from_90_percent_of_its_life()
    {
        var time = Clock.Fake();
        var options = Unthrottled(time) with { RefreshTokenLifetime = TimeSpan.FromDays(10), TokenLifetime = TimeSpan.FromDays(30) };
        await using var emulator = await KaizalaEmulator.StartAsync(options, ct: Ct);
        using var api = new Api(emulator);

        Assert.Equal("", (await api.SignInAsync(refreshToken: "rt-old")).RefreshToken);
        time.Advance(TimeSpan.FromDays(9) - TimeSpan.FromSeconds(1));
        Assert.Equal("", (await api.SignInAsync(refreshToken: "rt-old")).RefreshToken);
        time.Advance(TimeSpan.FromSeconds(1));
        var rotated = (await api.SignInAsync(refreshToken: "rt-old")).RefreshToken;
        Assert.NotEqual("", rotated);
        Assert.NotEqual("rt-old", rotated);
        Assert.Equal(rotated, (await api.SignInAsync(refreshToken: "rt-old")).RefreshToken);

        Assert.Equal("", (await api.SignInAsync(refreshToken: rotated)).RefreshToken);
        Assert.Equal(HttpStatusCode.OK, (await api.ListAsync()).Status);

        time.Advance(TimeSpan.FromDays(1)); // the old one is 10 days old now
        var expired = await api.TokenCallAsync(refreshToken: "rt-old");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.Status);
        Assert.Equal(HttpStatusCode.OK, (await api.TokenCallAsync(refreshToken: rotated)).Status);
    }

    [Fact]
    public async Task A_pinned_refresh_token_admits_its_successor()
    {
        var time = Clock.Fake();
        var options = Unthrottled(time) with { RefreshToken = "rt-pinned", RefreshTokenLifetime = TimeSpan.FromDays(10) };
        await using var emulator = await KaizalaEmulator.StartAsync(options, ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync(refreshToken: "rt-pinned");
        time.Advance(TimeSpan.FromDays(9.5));

        var successor = (await api.SignInAsync(refreshToken: "rt-pinned")).RefreshToken;

        Assert.NotEqual("", successor);
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.TokenCallAsync(refreshToken: "rt-pinned")).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.TokenCallAsync(refreshToken: successor)).Status);
    }
}
