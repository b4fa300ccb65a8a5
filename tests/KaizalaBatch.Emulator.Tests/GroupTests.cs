using System.Net;
using System.Text.Json.Nodes;
using KaizalaBatch.Emulator.Tests.Support;

namespace KaizalaBatch.Emulator.Tests;

/// <summary>The organisation and the group calls of groups.md, subGroups.md and members.md, over loopback HTTP.</summary>
public sealed class GroupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(KaizalaEmulator Emulator, Api Api)> StartAsync(Organisation? organisation, int perMinute = 0)
    {
        var emulator = await KaizalaEmulator.StartAsync(
            new EmulatorOptions { PerMinute = perMinute, TenantPerMinute = 0, Organisation = organisation }, ct: Ct);
        var api = new Api(emulator);
        await api.SignInAsync();
        return (emulator, api);
    }

    private static List<JsonObject> Groups(Reply reply)
    {
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return reply.Body!["groups"]!.AsArray().Select(g => g!.AsObject()).ToList();
    }

    [Fact]
    public async Task The_list_with_fetchAllGroups_and_showDetail_holds_every_group_depth_first_with_the_documented_counts()
    {
        var org = Organisation.Generate(30, seed: 5);
        var (emulator, api) = await StartAsync(org);
        await using var _ = emulator;
        using var __ = api;

        var groups = Groups(await api.GetAsync("v1/groups?fetchAllGroups=true&showDetail=true"));

        Assert.Equal(org.Groups.Select(g => g.GroupId.ToString()), groups.Select(g => (string)g["groupId"]!));
        foreach (var (group, json) in org.Groups.Zip(groups))
        {
            Assert.Equal(group.GroupName, (string?)json["groupName"]);
            Assert.Equal(group.Members.Count, (int)json["currentLevelUserCount"]!);
            Assert.Equal(org.UsersUnder(group.GroupId).Count, (int)json["userCount"]!);
            Assert.Equal(org.SubGroupsOf(group.GroupId).Count > 0, (bool)json["hasSubGroups"]!);
            Assert.Equal(group.ParentGroupId is not null, (bool)json["hasParentGroups"]!);
            Assert.Equal("Group", (string?)json["groupType"]);
            Assert.Equal(group.Members.Count(m => !m.IsProvisioned), (int)json["currentLevelUnProvisionedUserCount"]!);
        }
        // userCount counts the whole hierarchy: the head office reaches every member of the chain.
        Assert.Equal(org.Groups.SelectMany(g => g.Members).Select(m => m.MobileNumber).Distinct().Count(), (int)groups[0]["userCount"]!);
    }

    [Fact]
    public async Task Without_fetchAllGroups_the_list_holds_only_the_top_level_groups_and_without_showDetail_no_counts()
    {
        var org = Organisation.Generate(12, seed: 1);
        var (emulator, api) = await StartAsync(org);
        await using var _ = emulator;
        using var __ = api;

        var groups = Groups(await api.GetAsync("v1/groups"));

        var top = Assert.Single(groups);
        Assert.Equal(org.Roots[0].GroupId.ToString(), (string?)top["groupId"]);
        Assert.Null(top["userCount"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("v1/groups?fetchAllGroups=maybe")).Status);
    }

    [Fact]
    public async Task SubGroups_answers_the_group_with_its_direct_subgroups_or_with_fetchAllGroups_its_whole_hierarchy()
    {
        var org = Organisation.Generate(20, seed: 3);
        var (emulator, api) = await StartAsync(org);
        await using var _ = emulator;
        using var __ = api;
        var root = org.Roots[0];

        var direct = Assert.Single(Groups(await api.GetAsync($"v1/groups/{root.GroupId}/subGroups")));
        Assert.Equal(root.GroupId.ToString(), (string?)direct["groupId"]);
        var regions = direct["subGroups"]!.AsArray();
        Assert.Equal(org.SubGroupsOf(root.GroupId).Select(g => g.GroupId.ToString()), regions.Select(g => (string)g!["groupId"]!));
        Assert.All(regions, r => Assert.Null(r!["subGroups"]));

        var all = Assert.Single(Groups(await api.GetAsync($"v1/groups/{root.GroupId}/subGroups?fetchAllGroups=true")));
        var flattened = new List<string>();
        Flatten(all, flattened);
        Assert.Equal(org.Subtree(root.GroupId).Select(g => g.GroupId.ToString()), flattened);

        static void Flatten(JsonNode node, List<string> into)
        {
            into.Add((string)node["groupId"]!);
            foreach (var child in node["subGroups"]?.AsArray() ?? [])
            {
                Flatten(child!, into);
            }
        }
    }

    [Fact]
    public async Task Members_are_the_groups_own_members_with_id_role_mobileNumber_and_isProvisioned()
    {
        var org = Organisation.Generate(10, seed: 9);
        var (emulator, api) = await StartAsync(org);
        await using var _ = emulator;
        using var __ = api;
        var store = org.Groups[^1];

        var reply = await api.GetAsync($"v1/groups/{store.GroupId}/members");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var members = reply.Body!["members"]!.AsArray();
        Assert.Equal(store.Members.Select(m => (m.Id.ToString(), m.Role, m.MobileNumber, m.IsProvisioned)),
            members.Select(m => ((string)m!["id"]!, (string)m["role"]!, (string)m["mobileNumber"]!, (bool)m["isProvisioned"]!)));
    }

    [Fact]
    public async Task With_an_organisation_a_group_outside_it_is_404_for_every_call_including_a_post()
    {
        var org = Organisation.Generate(5, seed: 2);
        var (emulator, api) = await StartAsync(org);
        await using var _ = emulator;
        using var __ = api;
        var stranger = Guid.Parse("9d3c7a61-0b8e-4f52-a1d4-6e2f0c9b8a77");

        foreach (var path in new[] { $"v1/groups/{stranger}", $"v1/groups/{stranger}/subGroups", $"v1/groups/{stranger}/members" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(path)).Status);
        }
        var post = await api.PostActionAsync(Api.Json("{'actionType':'Job','actionBody':{'title':'t','assignedTo':['+911111111111']}}"), stranger);
        Assert.Equal(HttpStatusCode.NotFound, post.Status);
        Assert.Empty(emulator.Actions);

        var known = await api.PostActionAsync(Api.Json("{'actionType':'Job','actionBody':{'title':'t','assignedTo':['+911111111111']}}"), org.Groups[^1].GroupId);
        Assert.Equal(HttpStatusCode.OK, known.Status);
    }

    [Fact]
    public async Task Without_an_organisation_any_GUID_is_a_group_that_takes_posts_but_none_is_listed()
    {
        var (emulator, api) = await StartAsync(null);
        await using var _ = emulator;
        using var __ = api;
        var any = Guid.Parse("2b7e1516-28ae-4d2a-abf7-158809cf4f3c");

        Assert.Empty(Groups(await api.GetAsync("v1/groups?fetchAllGroups=true&showDetail=true")));
        Assert.Equal(HttpStatusCode.OK, (await api.PostActionAsync(Api.Json("{'actionType':'Job','actionBody':{'title':'t','assignedTo':['+911111111111']}}"), any)).Status);
        var members = await api.GetAsync($"v1/groups/{any}/members");
        Assert.Equal(HttpStatusCode.OK, members.Status);
        Assert.Empty(members.Body!["members"]!.AsArray());
    }

    [Fact]
    public async Task KnownGroups_is_the_flat_form_of_an_organisation_listed_as_top_level_groups()
    {
        var known = new HashSet<Guid> { Api.Group };
        await using var emulator = await KaizalaEmulator.StartAsync(new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, KnownGroups = known }, ct: Ct);
        using var api = new Api(emulator);
        await api.SignInAsync();

        var listed = Assert.Single(Groups(await api.GetAsync("v1/groups?fetchAllGroups=true&showDetail=true")));
        Assert.Equal(Api.Group.ToString(), (string?)listed["groupId"]);
        Assert.Equal(0, (int)listed["currentLevelUserCount"]!);
        Assert.Throws<ArgumentException>(() => new EmulatorOptions { KnownGroups = known, Organisation = Organisation.Generate(2, 0) }.Validate());
    }

    [Fact]
    public async Task The_group_calls_need_an_access_token_and_count_against_the_connectors_limit()
    {
        var (emulator, api) = await StartAsync(Organisation.Generate(4, seed: 0), perMinute: 4);
        await using var _ = emulator;
        using var __ = api;
        var token = api.AccessToken;

        api.AccessToken = "not-a-token";
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("v1/groups")).Status);
        api.AccessToken = token;
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("v1/groups?fetchAllGroups=true")).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"v1/groups/{emulator.Options.Organisation!.Roots[0].GroupId}/members")).Status);
        var throttled = await api.GetAsync("v1/groups");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.Status);
        Assert.NotNull(throttled.RetryAfter);
    }
}
