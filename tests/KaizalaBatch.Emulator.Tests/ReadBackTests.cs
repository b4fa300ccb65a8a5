using System.Net;
using System.Text.Json.Nodes;
using KaizalaBatch.Emulator.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Emulator.Tests;

/// <summary>GET .../groups/{groupId}/actions: fromDate, actionType, count, hasMore; paging as docs/emulator.md says.</summary>
public sealed class ReadBackTests
{
    private static readonly Guid OtherGroup = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Survey(string title) =>
        Api.Json($"{{'actionType':'Survey','actionBody':{{'title':'{title}','questions':[{{'title':'q','type':'Text'}}]}}}}");

    private static string Job(string title) =>
        Api.Json($"{{'actionType':'Job','actionBody':{{'title':'{title}','assignedTo':['+911111111111']}}}}");

    private static async Task<(KaizalaEmulator Emulator, Api Api, FakeTimeProvider Time)> StartAsync()
    {
        var time = Clock.Fake();
        var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, Time = time }, ct: Ct);
        var api = new Api(emulator);
        await api.SignInAsync();
        return (emulator, api, time);
    }

    /// <summary>The documented client loop: next fromDate = last creationTime + 1 until hasMore is false.</summary>
    private static async Task<List<JsonNode>> ReadAllAsync(Api api, string? actionType, int count, long fromDate = 0)
    {
        var all = new List<JsonNode>();
        var pages = 0;
        while (true)
        {
            var type = actionType is null ? "" : $"&actionType={actionType}";
            var reply = await api.ListAsync($"?fromDate={fromDate}&count={count}{type}");
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            var actions = reply.Body!["actions"]!.AsArray();
            Assert.InRange(actions.Count, 0, count);
            all.AddRange(actions.Select(a => a!));
            pages++;
            if (!reply.Body["hasMore"]!.GetValue<bool>())
            {
                return all;
            }

            Assert.True(pages < 100, "paging does not advance");
            fromDate = actions[^1]!["creationTime"]!.GetValue<long>() + 1;
        }
    }

    [Fact]
    public async Task Paging_by_fromDate_returns_every_Action_once_oldest_first()
    {
        var (emulator, api, time) = await StartAsync();
        await using var _ = emulator;
        using var __ = api;
        for (var i = 0; i < 10; i++)
        {
            await api.PostActionAsync(i % 3 == 0 ? Job($"job {i}") : Survey($"survey {i}"));
            if (i % 4 == 0)
            {
                time.Advance(TimeSpan.FromSeconds(1)); // the others share a millisecond
            }
        }

        await api.PostActionAsync(Job("elsewhere"), OtherGroup);

        var all = await ReadAllAsync(api, actionType: null, count: 3);

        Assert.Equal(
            Enumerable.Range(0, 10).Select(i => (i % 3 == 0 ? "job " : "survey ") + i),
            all.Select(a => a["actionBody"]!["title"]!.GetValue<string>()));
        Assert.Equal(10, all.Select(a => a["referenceId"]!.GetValue<string>()).Distinct().Count());
        var times = all.Select(a => a["creationTime"]!.GetValue<long>()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Equal(times.Count, times.Distinct().Count());
        var first = all[0].AsObject();
        Assert.Equal(["referenceId", "actionId", "actionType", "sender", "creationTime", "actionBody"], first.Select(p => p.Key));
        Assert.Equal("Job", first["actionType"]!.GetValue<string>());
        Assert.Equal("connector-a", first["sender"]!.GetValue<string>());
        Assert.Equal(Clock.Start.ToUnixTimeMilliseconds(), first["creationTime"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_actionType_filter_takes_any_case_and_fromDate_skips_older_Actions()
    {
        var (emulator, api, time) = await StartAsync();
        await using var _ = emulator;
        using var __ = api;
        await api.PostActionAsync(Survey("old survey"));
        await api.PostActionAsync(Job("old job"));
        time.Advance(TimeSpan.FromMinutes(5));
        var cut = time.GetUtcNow().ToUnixTimeMilliseconds();
        await api.PostActionAsync(Survey("new survey"));
        await api.PostActionAsync(Job("new job"));

        var surveys = await ReadAllAsync(api, "sUrVeY", count: 30);
        var recent = await ReadAllAsync(api, actionType: null, count: 30, fromDate: cut);

        Assert.Equal(["old survey", "new survey"], surveys.Select(a => a["actionBody"]!["title"]!.GetValue<string>()));
        Assert.Equal(["new survey", "new job"], recent.Select(a => a["actionBody"]!["title"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Count_defaults_to_30_and_is_capped_at_100()
    {
        var (emulator, api, _) = await StartAsync();
        await using var _e = emulator;
        using var _a = api;
        for (var i = 0; i < 120; i++)
        {
            await api.PostActionAsync(Job($"job {i}"));
        }

        var byDefault = await api.ListAsync();
        var capped = await api.ListAsync("?count=500");
        var exact = await api.ListAsync("?count=120");

        Assert.Equal(30, byDefault.Body!["actions"]!.AsArray().Count);
        Assert.True(byDefault.Body["hasMore"]!.GetValue<bool>());
        Assert.Equal(100, capped.Body!["actions"]!.AsArray().Count);
        Assert.True(capped.Body["hasMore"]!.GetValue<bool>());
        Assert.Equal(100, exact.Body!["actions"]!.AsArray().Count);
        Assert.Equal(120, (await ReadAllAsync(api, "Job", count: 100)).Count);
    }

    [Fact]
    public async Task Package_instances_are_read_back_under_their_package_id()
    {
        var (emulator, api, _) = await StartAsync();
        await using var _e = emulator;
        using var _a = api;
        await api.PostActionAsync(Api.Json("{'id':'com.example.pkg.1','actionBody':{'properties':[{'name':'n','type':'Text','value':'v'}]}}"));
        await api.PostActionAsync(Job("job"));

        var packages = await ReadAllAsync(api, "com.example.pkg.1", count: 30);

        Assert.Equal("com.example.pkg.1", Assert.Single(packages)["actionType"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("?fromDate=yesterday", "fromDate")]
    [InlineData("?count=0", "count")]
    [InlineData("?count=ten", "count")]
    public async Task Bad_query_values_are_refused(string query, string field)
    {
        var (emulator, api, _) = await StartAsync();
        await using var _e = emulator;
        using var _a = api;

        var reply = await api.ListAsync(query);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(field, reply.Field);
    }

    [Fact]
    public async Task An_empty_group_has_no_Actions()
    {
        var (emulator, api, _) = await StartAsync();
        await using var _e = emulator;
        using var _a = api;

        var reply = await api.ListAsync(group: OtherGroup);

        Assert.Empty(reply.Body!["actions"]!.AsArray());
        Assert.False(reply.Body["hasMore"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Unknown_groups_are_404_when_KnownGroups_is_set()
    {
        var options = new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, KnownGroups = new HashSet<Guid> { Api.Group } };
        await using var emulator = await KaizalaEmulator.StartAsync(options, ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync();

        Assert.Equal(HttpStatusCode.OK, (await api.PostActionAsync(Job("known"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostActionAsync(Job("unknown"), OtherGroup)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.ListAsync(group: OtherGroup)).Status);
        Assert.Single(emulator.Actions);
    }
}
