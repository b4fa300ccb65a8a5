using System.Net;
using KaizalaBatch.Emulator.Tests.Support;

namespace KaizalaBatch.Emulator.Tests;

/// <summary>/_emulator/actions, /_emulator/stats, /_emulator/reset; concurrency; running as a server.</summary>
public sealed class InspectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Job(string title) =>
        Api.Json($"{{'actionType':'Job','actionBody':{{'title':'{title}','assignedTo':['+911111111111']}}}}");

    [Fact]
    public async Task Stats_count_API_calls_by_route_and_outcome()
    {
        var time = Clock.Fake();
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 5, TenantPerMinute = 0, Time = time }, ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync();
        await api.PostActionAsync(Job("one"));
        await api.PostActionAsync(Job("two"));
        await api.PostActionAsync(Api.Json("{'actionType':'Job','actionBody':{}}"));
        await api.ListAsync();
        await api.ListAsync(); // 429
        await api.InspectAsync("actions"); // not counted

        var stats = await api.InspectAsync("stats");

        Assert.Equal(
            """{"GET /v1/accessToken":{"200":1},"GET /v1/groups/{groupId}/actions":{"200":1,"429":1},"POST /v1/groups/{groupId}/actions":{"200":2,"400":1}}""",
            stats["routes"]!.ToJsonString());
        Assert.Equal("""{"200":4,"400":1,"429":1}""", stats["total"]!.ToJsonString());
        Assert.Equal(6, stats["calls"]!.GetValue<long>());
        Assert.Equal(2, stats["actions"]!.GetValue<int>());
        Assert.Equal(6, emulator.Calls);
    }

    [Fact]
    public async Task The_actions_route_lists_every_accepted_Action_in_arrival_order()
    {
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, Time = Clock.Fake() }, ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync();
        await api.PostActionAsync(Job("one"));
        await api.PostActionAsync(Api.Json("{'id':'com.example.pkg','actionBody':{'title':'t','validity':2},'subscribers':['+911111111111']}"));
        await api.PostActionAsync(Api.Json("{'actionType':'Image','actionBody':{'mediaResource':'m'}}"));

        var listed = (await api.InspectAsync("actions"))["actions"]!.AsArray();

        Assert.Equal(3, listed.Count);
        var snapshot = emulator.Actions;
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(i + 1, listed[i]!["sequence"]!.GetValue<long>());
            Assert.Equal(snapshot[i].ReferenceId.ToString(), listed[i]!["referenceId"]!.GetValue<string>());
            Assert.Equal(Api.Group.ToString(), listed[i]!["groupId"]!.GetValue<string>());
            Assert.Equal("connector-a", listed[i]!["connector"]!.GetValue<string>());
            Assert.Equal(Clock.Start.ToUnixTimeMilliseconds() + i, listed[i]!["creationTime"]!.GetValue<long>());
        }

        Assert.Equal("Job", listed[0]!["actionType"]!.GetValue<string>());
        Assert.Equal("one", listed[0]!["actionBody"]!["title"]!.GetValue<string>());
        Assert.Equal("com.example.pkg", listed[1]!["packageId"]!.GetValue<string>());
        Assert.Null(listed[1]!["actionType"]);
        Assert.Equal("+911111111111", listed[1]!["subscribers"]![0]!.GetValue<string>());
        Assert.Null(listed[2]!["actionId"]);
        Assert.Equal("one", snapshot[0].ActionBody["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reset_forgets_Actions_stats_windows_and_calls_but_keeps_tokens()
    {
        var time = Clock.Fake();
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 3, TenantPerMinute = 0, Time = time }, ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync();
        await api.PostActionAsync(Job("one"));
        await api.PostActionAsync(Job("two"));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await api.ListAsync()).Status);

        using var reset = new HttpClient();
        using var answer = await reset.PostAsync(new Uri(emulator.BaseUrl, "_emulator/reset"), null, Ct);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Empty(emulator.Actions);
        Assert.Equal(0, emulator.Calls);
        Assert.Equal(HttpStatusCode.OK, (await api.ListAsync()).Status);
        Assert.Equal("""{"GET /v1/groups/{groupId}/actions":{"200":1}}""", (await api.InspectAsync("stats"))["routes"]!.ToJsonString());
    }

    [Fact]
    public async Task Concurrent_sends_are_each_stored_once_with_distinct_sequence_numbers()
    {
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0 }, ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync();

        var replies = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => api.PostActionAsync(Job($"job {i}"))));

        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        var actions = emulator.Actions;
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), actions.Select(a => a.Sequence));
        Assert.Equal(300, actions.Select(a => a.ActionBody["title"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(300, replies.Select(r => r.Body!["referenceId"]!.GetValue<string>()).Intersect(actions.Select(a => a.ReferenceId.ToString())).Count());
    }

    [Fact]
    public async Task RunAsync_serves_until_cancelled()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var started = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = KaizalaEmulator.RunAsync(new EmulatorOptions(), "http://127.0.0.1:0", e => started.SetResult(e.BaseUrl), cancel.Token);
        var baseUrl = await started.Task.WaitAsync(Ct);
        using var http = new HttpClient();

        using var stats = await http.GetAsync(new Uri(baseUrl, "_emulator/stats"), Ct);
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        await cancel.CancelAsync();
        await run.WaitAsync(Ct);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(new Uri(baseUrl, "_emulator/stats"), Ct));
    }

    [Fact]
    public async Task Stopping_releases_answers_still_held_by_a_fake_clock()
    {
        var time = Clock.Fake();
        var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { FaultSlow = 1, Time = time }, ct: Ct);
        using var api = new Api(emulator);
        var held = api.TokenCallAsync();
        await emulator.WhenHeldAsync(1, Ct);

        await emulator.DisposeAsync();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => held);
    }

    [Fact]
    public async Task ApiRoot_is_BaseUrl_plus_v1()
    {
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions(), ct: Ct);

        Assert.Equal("127.0.0.1", emulator.BaseUrl.Host);
        Assert.NotEqual(0, emulator.BaseUrl.Port);
        Assert.EndsWith("/", emulator.BaseUrl.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(new Uri(emulator.BaseUrl, "v1"), emulator.ApiRoot);
    }

    [Fact]
    public async Task Stopping_and_disposing_twice_is_harmless()
    {
        var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions(), ct: Ct);

        await emulator.StopAsync(Ct);
        await emulator.StopAsync(Ct);
        await emulator.DisposeAsync();
        await emulator.DisposeAsync();
    }
}
