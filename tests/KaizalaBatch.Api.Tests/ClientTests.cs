using System.Text.Json.Nodes;
using KaizalaBatch.Api;
using KaizalaBatch.Emulator;
using KaizalaBatch.Sending;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Api.Tests;

public sealed class ClientTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string SurveyRequest(string title = "Safety check") =>
        new JsonObject { ["actionType"] = "Survey", ["actionBody"] = Items.Survey("a", Items.NewGroup(), title).Body!.DeepClone() }.ToJsonString();

    [Fact]
    public async Task Fetches_a_token_and_sends_to_the_endpoint_it_names()
    {
        await using var c = await Connection.StartAsync();
        Assert.IsType<Accepted>(await c.Client.ConnectAsync(Ct));
        Assert.StartsWith(c.Emulator.BaseUrl.AbsoluteUri, c.Client.EndpointUrl!.AbsoluteUri, StringComparison.Ordinal);
        var group = Items.NewGroup();
        var accepted = Assert.IsType<Accepted>(await c.Client.SendActionAsync(group, SurveyRequest(), Ct));
        Assert.NotNull(accepted.ReferenceId);
        Assert.NotNull(accepted.ActionId);
        var stored = Assert.Single(c.Emulator.Actions);
        Assert.Equal(Guid.Parse(group), stored.GroupId);
        Assert.Equal(accepted.ReferenceId, stored.ReferenceId.ToString());
    }

    [Fact]
    public async Task Renews_the_token_before_it_expires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = await Connection.StartAsync(
            new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, TokenLifetime = TimeSpan.FromMinutes(10), Time = time },
            clientTime: time);
        Assert.IsType<Accepted>(await c.Client.SendActionAsync(Items.NewGroup(), SurveyRequest(), Ct));
        time.Advance(TimeSpan.FromMinutes(8));
        Assert.IsType<Accepted>(await c.Client.SendActionAsync(Items.NewGroup(), SurveyRequest(), Ct));
        Assert.Equal(1, c.Logger.Count("Access token obtained"));
        // A tenth of the lifetime before expiry, the next call takes a new token first: no 401 is ever needed.
        time.Advance(TimeSpan.FromMinutes(1.5));
        Assert.IsType<Accepted>(await c.Client.SendActionAsync(Items.NewGroup(), SurveyRequest(), Ct));
        Assert.Equal(2, c.Logger.Count("Access token obtained"));
        Assert.Equal(0, c.Logger.Count("renewing it once"));
    }

    [Fact]
    public async Task A_refused_token_is_renewed_once_and_the_call_retried()
    {
        var service = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = await Connection.StartAsync(
            new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, TokenLifetime = TimeSpan.FromHours(1), Time = service },
            clientTime: new FakeTimeProvider(DateTimeOffset.UtcNow));
        Assert.IsType<Accepted>(await c.Client.ConnectAsync(Ct));
        service.Advance(TimeSpan.FromHours(2)); // the service revokes it; the client's clock does not know
        Assert.IsType<Accepted>(await c.Client.SendActionAsync(Items.NewGroup(), SurveyRequest(), Ct));
        Assert.Equal(1, c.Logger.Count("renewing it once"));
        Assert.Equal(2, c.Logger.Count("Access token obtained"));
        Assert.Single(c.Emulator.Actions);
    }

    [Fact]
    public async Task A_second_401_is_fatal_and_names_no_secret()
    {
        await using var c = await Connection.StartAsync(new EmulatorOptions
        {
            PerMinute = 0, TenantPerMinute = 0, TokenLifetime = TimeSpan.FromSeconds(1), Time = Clocks.EveryLookAMinuteLater(),
        });
        var ex = await Assert.ThrowsAsync<KaizalaAuthenticationException>(() => c.Client.SendActionAsync(Items.NewGroup(), SurveyRequest(), Ct));
        Assert.Contains("401", ex.Message);
        Assert.DoesNotContain(Connection.AppSecret, ex.Message);
        Assert.Empty(c.Emulator.Actions);
    }

    [Fact]
    public async Task Wrong_credentials_are_a_typed_error_without_the_secret()
    {
        await using var c = await Connection.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, ApplicationSecret = "another-secret" });
        var ex = await Assert.ThrowsAsync<KaizalaAuthenticationException>(() => c.Client.ConnectAsync(Ct));
        Assert.DoesNotContain(Connection.AppSecret, ex.ToString());
        Assert.DoesNotContain(Connection.RefreshToken, ex.ToString());
    }

    [Fact]
    public async Task A_308_moves_this_call_and_every_later_one()
    {
        await using var c = await Connection.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, MoveAfter = 2 });
        Assert.IsType<Accepted>(await c.Client.SendActionAsync(Items.NewGroup(), SurveyRequest(), Ct)); // calls 1 (token), 2
        var before = c.Client.EndpointUrl;
        Assert.IsType<Accepted>(await c.Client.SendActionAsync(Items.NewGroup(), SurveyRequest(), Ct)); // 308, then sent
        var after = c.Client.EndpointUrl;
        Assert.NotEqual(before, after);
        Assert.Equal(1, c.Logger.Count("moved the endpoint"));
        for (var i = 0; i < 3; i++)
        {
            Assert.IsType<Accepted>(await c.Client.SendActionAsync(Items.NewGroup(), SurveyRequest(), Ct));
        }
        Assert.Equal(after, c.Client.EndpointUrl);
        Assert.Equal(1, c.Logger.Count("moved the endpoint"));
        Assert.Equal(5, c.Emulator.Actions.Count);
    }

    [Fact]
    public async Task A_rotated_refresh_token_is_kept_in_a_0600_file_and_used_from_then_on()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var tokenFile = _dir.File("run.ledger.db.refresh-token");
        var emulator = new EmulatorOptions
        {
            PerMinute = 0, TenantPerMinute = 0, Time = time,
            RefreshToken = Connection.RefreshToken, RefreshTokenLifetime = TimeSpan.FromDays(10),
        };
        await using var c = await Connection.StartAsync(emulator, clientTime: time, configure: o => o with { RefreshTokenFile = tokenFile });
        Assert.IsType<Accepted>(await c.Client.ConnectAsync(Ct));
        Assert.False(File.Exists(tokenFile));
        time.Advance(TimeSpan.FromDays(9.5)); // past 90 % of the refresh token's life; the access token has expired too
        Assert.IsType<Accepted>(await c.Client.SendActionAsync(Items.NewGroup(), SurveyRequest(), Ct));
        Assert.True(File.Exists(tokenFile));
        var rotated = File.ReadAllText(tokenFile);
        Assert.NotEqual(Connection.RefreshToken, rotated);
        Assert.NotEmpty(rotated);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        }
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
        Assert.DoesNotContain(rotated, c.Logger.All);

        // A later run prefers the kept token; the original one expires soon after and would be refused.
        time.Advance(TimeSpan.FromDays(1));
        using var next = new KaizalaClient(
            new KaizalaClientOptions(c.Emulator.ApiRoot, Connection.AppId, new Secret(Connection.AppSecret), new Secret(Connection.RefreshToken), tokenFile),
            c.Pacer, time);
        Assert.IsType<Accepted>(await next.ConnectAsync(Ct));
    }

    [Fact]
    public async Task Media_goes_up_with_its_mime_type_and_a_wrong_type_is_a_permanent_415()
    {
        await using var c = await Connection.StartAsync();
        var photo = _dir.File("photo.jpg");
        File.WriteAllBytes(photo, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4]);
        var accepted = Assert.IsType<Accepted>(await c.Client.UploadMediaAsync(photo, "image/jpeg", Ct));
        Assert.StartsWith("kzm-image-", accepted.MediaResource, StringComparison.Ordinal);
        var refused = Assert.IsType<Permanent>(await c.Client.UploadMediaAsync(photo, "text/plain", Ct));
        Assert.Equal(415, refused.Status);
    }

    [Fact]
    public async Task An_upload_names_its_file_by_base_name_only_in_the_client_and_emulator_logs()
    {
        var emulatorLog = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var c = await Connection.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, Log = emulatorLog.Enqueue });
        var folder = _dir.File("private-folder-Zr7p");
        Directory.CreateDirectory(folder);
        var photo = Path.Combine(folder, "photo.jpg");
        File.WriteAllBytes(photo, [0xFF, 0xD8, 0xFF, 0xE0, 5, 6]);

        Assert.IsType<Accepted>(await c.Client.UploadMediaAsync(photo, "image/jpeg", Ct));
        var refused = Assert.IsType<Permanent>(await c.Client.UploadMediaAsync(photo, "text/plain", Ct));

        Assert.Contains(emulatorLog, line => line.Contains("/v1/media", StringComparison.Ordinal));
        Assert.DoesNotContain("private-folder-Zr7p", c.Logger.All + string.Join("\n", emulatorLog) + refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://api.kaiza.la/v1")]
    [InlineData("http://10.1.2.3:8080/v1")]
    [InlineData("ftp://localhost/v1")]
    public async Task Plain_http_to_a_host_that_is_not_loopback_is_refused(string apiRoot)
    {
        await using var pacer = new Pacer(new PacingOptions());
        var options = new KaizalaClientOptions(new Uri(apiRoot), "id", new Secret("s"), new Secret("r"));
        Assert.ThrowsAny<KaizalaConnectionException>(() => new KaizalaClient(options, pacer));
    }

    [Theory]
    [InlineData("https://api.kaiza.la/v1")]
    [InlineData("http://127.0.0.1:5000/v1")]
    [InlineData("http://localhost:5000/v1")]
    [InlineData("http://[::1]:5000/v1")]
    public async Task Https_and_loopback_http_are_allowed(string apiRoot)
    {
        await using var pacer = new Pacer(new PacingOptions());
        using var client = new KaizalaClient(new KaizalaClientOptions(new Uri(apiRoot), "id", new Secret("s"), new Secret("r")), pacer);
        Assert.Null(client.EndpointUrl);
    }

    [Fact]
    public async Task A_429_pauses_the_whole_connector_for_its_retry_after()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = await Connection.StartAsync(new EmulatorOptions { PerMinute = 3, TenantPerMinute = 0, Time = time }, clientTime: time);
        Assert.IsType<Accepted>(await c.Client.SendActionAsync(Items.NewGroup(), SurveyRequest(), Ct)); // token + 1
        Assert.IsType<Accepted>(await c.Client.SendActionAsync(Items.NewGroup(), SurveyRequest(), Ct));
        var throttled = Assert.IsType<Transient>(await c.Client.SendActionAsync(Items.NewGroup(), SurveyRequest(), Ct));
        Assert.Equal(TransientKind.Throttled, throttled.Kind);
        Assert.False(throttled.OutcomeUnknown);
        Assert.True(throttled.RetryAfter > TimeSpan.Zero);
        Assert.Equal(time.GetUtcNow() + throttled.RetryAfter, c.Pacer.PausedUntil);
        // The pacer (unlimited) learned the service's pace from it: the three calls the service let through.
        Assert.Equal(3, c.Pacer.LearnedPerMinute);
        // Every later call waits for the pause, then goes through (once the oldest call's answer is a window old:
        // the learned pace counts calls as the pacer always does).
        var held = c.Client.SendActionAsync(Items.NewGroup(), SurveyRequest(), Ct);
        Assert.False(SpinWait.SpinUntil(() => held.IsCompleted, 100));
        time.Advance(throttled.RetryAfter!.Value + TimeSpan.FromMilliseconds(1));
        Assert.IsType<Accepted>(await held);
    }

    [Fact]
    public async Task Read_back_pages_through_a_group_oldest_first()
    {
        await using var c = await Connection.StartAsync();
        var group = Items.NewGroup();
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        for (var i = 0; i < 35; i++)
        {
            var request = new JsonObject { ["actionType"] = "Job", ["actionBody"] = Items.Job("a", group, $"job {i}").Body!.DeepClone() }.ToJsonString();
            Assert.IsType<Accepted>(await c.Client.SendActionAsync(group, request, Ct));
        }
        var back = await c.Client.ReadActionsAsync(group, "Job", start, Ct);
        Assert.True(back.Succeeded);
        Assert.Equal(Enumerable.Range(0, 35).Select(i => $"job {i}"), back.Actions.Select(a => (string?)a.ActionBody!["title"]));
        Assert.Empty((await c.Client.ReadActionsAsync(group, "Survey", start, Ct)).Actions);
    }
}
