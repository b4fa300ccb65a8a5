using System.Net;
using System.Text.Json.Nodes;
using KaizalaBatch.Emulator.State;
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

    /// <summary>The documented client loop: creationTime is whole seconds, so the next page starts at the last creationTime
    /// (inclusive) and repeats are dropped by referenceId, until hasMore is false; a page that brings nothing new (a full
    /// page from one second) is asked again with a doubled count.</summary>
    private static async Task<List<JsonNode>> ReadAllAsync(Api api, string actionType, int count, long fromDate = 0)
    {
        var all = new List<JsonNode>();
        var seen = new HashSet<string>();
        var pages = 0;
        while (true)
        {
            var reply = await api.ListAsync($"?fromDate={fromDate}&count={count}&actionType={actionType}");
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            var actions = reply.Body!["actions"]!.AsArray();
            Assert.InRange(actions.Count, 0, count);
            var before = all.Count;
            all.AddRange(actions.Select(a => a!).Where(a => seen.Add(a["referenceId"]!.GetValue<string>())));
            pages++;
            if (!reply.Body["hasMore"]!.GetValue<bool>())
            {
                return all;
            }

            Assert.True(pages < 100, "paging does not advance");
            fromDate = actions[^1]!["creationTime"]!.GetValue<long>();
            count = all.Count == before ? count * 2 : count;
        }
    }

    [Fact]
    public async Task Paging_by_fromDate_returns_every_Action_of_the_type_once_oldest_first()
    {
        var (emulator, api, time) = await StartAsync();
        await using var _ = emulator;
        using var __ = api;
        for (var i = 0; i < 10; i++)
        {
            await api.PostActionAsync(Survey($"survey {i}"));
            await api.PostActionAsync(Job($"job {i}"));
            if (i % 4 == 0)
            {
                time.Advance(TimeSpan.FromSeconds(1)); // the others share a second
            }
        }

        await api.PostActionAsync(Survey("elsewhere"), OtherGroup);

        var all = await ReadAllAsync(api, "Survey", count: 3);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => "survey " + i), all.Select(a => a["actionBody"]!["title"]!.GetValue<string>()));
        var times = all.Select(a => a["creationTime"]!.GetValue<long>()).ToList();
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public async Task A_listed_Action_is_the_documented_summary_with_the_sender_s_phone_and_epoch_seconds()
    {
        var (emulator, api, _) = await StartAsync();
        await using var _e = emulator;
        using var _a = api;
        var posted = await api.PostActionAsync(Api.Json(
            "{'actionType':'Survey','actionBody':{'title':'Fire exit','dueDate':48,'questions':[{'title':'Clear?','type':'Text'}]}}"));

        var entry = Assert.Single((await api.ListAsync()).Body!["actions"]!.AsArray())!.AsObject();

        Assert.Equal(["referenceId", "actionType", "sender", "creationTime", "actionBody"], entry.Select(p => p.Key));
        Assert.Equal(posted.Body!["referenceId"]!.GetValue<string>(), entry["referenceId"]!.GetValue<string>());
        Assert.Equal(Senders.PhoneOf("connector-a"), entry["sender"]!.GetValue<string>());
        Assert.Matches(@"^\+919\d{9}$", entry["sender"]!.GetValue<string>());
        Assert.Equal(Clock.Start.ToUnixTimeSeconds(), entry["creationTime"]!.GetValue<long>());
        var summary = entry["actionBody"]!.AsObject();
        Assert.Equal(["actionId", "title", "responseCount", "expiryDate"], summary.Select(p => p.Key));
        Assert.Equal(posted.Body["actionId"]!.GetValue<string>(), summary["actionId"]!.GetValue<string>());
        Assert.Equal(0, summary["responseCount"]!.GetValue<int>());
        Assert.Equal((Clock.Start + TimeSpan.FromHours(48)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            summary["expiryDate"]!.GetValue<string>());
        Assert.Null(summary["questions"]);
    }

    [Theory]
    [InlineData("{'actionType':'Job','actionBody':{'title':'Count stock','assignedTo':['+911111111111','+912222222222']}}", "Job",
        "actionId,title,assigneeCount,responseCount,isCompleted")]
    [InlineData("{'actionType':'Poll','actionBody':{'question':'Lunch?','choices':[{'title':'Yes','image':'res-1'},{'title':'No'}]}}", "Poll",
        "actionId,question,isSenderOnly,expiryDate,choices")]
    [InlineData("{'actionType':'LetsMeet','actionBody':{'title':'Sync','startingTime':'2026-03-01T09:30:00Z','duration':45,'agenda':'plan','place':{'latitude':15,'longitude':96,'name':'B3'}}}",
        "LetsMeet", "actionId,title,startingTime,agenda,duration,isSenderOnly,place")]
    [InlineData("{'actionType':'Image','actionBody':{'mediaResource':'res-9','caption':'c'}}", "Image", "imageUrl")]
    public async Task Each_listable_type_has_its_documented_summary(string singleQuoted, string type, string fields)
    {
        var (emulator, api, _) = await StartAsync();
        await using var _e = emulator;
        using var _a = api;
        Assert.Equal(HttpStatusCode.OK, (await api.PostActionAsync(Api.Json(singleQuoted))).Status);

        var entry = Assert.Single((await api.ListAsync(actionType: type)).Body!["actions"]!.AsArray())!;

        Assert.Equal(fields.Split(','), entry["actionBody"]!.AsObject().Select(p => p.Key));
        if (type == "LetsMeet")
        {
            Assert.Equal(45, entry["actionBody"]!["duration"]!.GetValue<int>());
        }
    }

    [Theory]
    [InlineData("Audio")]
    [InlineData("Document")]
    [InlineData("Announcement")]
    [InlineData("Album")]
    [InlineData("Video")]
    [InlineData("com.example.pkg.1")]
    public async Task Types_the_service_cannot_list_are_refused_with_400(string type)
    {
        var (emulator, api, _) = await StartAsync();
        await using var _e = emulator;
        using var _a = api;

        var reply = await api.ListAsync(actionType: type);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("actionType", reply.Field);
        Assert.Contains("cannot be listed", reply.Body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_actionType_filter_takes_any_case_and_fromDate_in_seconds_skips_older_Actions()
    {
        var (emulator, api, time) = await StartAsync();
        await using var _ = emulator;
        using var __ = api;
        await api.PostActionAsync(Survey("old survey"));
        await api.PostActionAsync(Job("old job"));
        time.Advance(TimeSpan.FromMinutes(5));
        var cut = time.GetUtcNow().ToUnixTimeSeconds();
        await api.PostActionAsync(Survey("new survey"));
        await api.PostActionAsync(Job("new job"));

        var surveys = await ReadAllAsync(api, "sUrVeY", count: 30);
        var recent = await ReadAllAsync(api, "Job", count: 30, fromDate: cut);
        var recentByMs = await ReadAllAsync(api, "Job", count: 30, fromDate: cut * 1000);

        Assert.Equal(["old survey", "new survey"], surveys.Select(a => a["actionBody"]!["title"]!.GetValue<string>()));
        Assert.Equal(["new job"], recent.Select(a => a["actionBody"]!["title"]!.GetValue<string>()));
        Assert.Equal(["new job"], recentByMs.Select(a => a["actionBody"]!["title"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Count_defaults_to_30_and_is_capped_at_1000()
    {
        var (emulator, api, time) = await StartAsync();
        await using var _e = emulator;
        using var _a = api;
        for (var i = 0; i < 1010; i++)
        {
            await api.PostActionAsync(Job($"job {i}"));
            if (i % 300 == 299)
            {
                time.Advance(TimeSpan.FromSeconds(1)); // at most 300 share a second, so a client can page past each second
            }
        }

        var byDefault = await api.ListAsync(actionType: "Job");
        var capped = await api.ListAsync("?count=5000", actionType: "Job");
        var exact = await api.ListAsync("?count=120", actionType: "Job");

        Assert.Equal(30, byDefault.Body!["actions"]!.AsArray().Count);
        Assert.True(byDefault.Body["hasMore"]!.GetValue<bool>());
        Assert.Equal(1000, capped.Body!["actions"]!.AsArray().Count);
        Assert.True(capped.Body["hasMore"]!.GetValue<bool>());
        Assert.Equal(120, exact.Body!["actions"]!.AsArray().Count);
        Assert.Equal(1010, (await ReadAllAsync(api, "Job", count: 100)).Count);
    }

    [Theory]
    [InlineData("?fromDate=yesterday", "fromDate")]
    [InlineData("?count=0", "count")]
    [InlineData("?count=ten", "count")]
    [InlineData("?actionType=", "actionType")]
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
