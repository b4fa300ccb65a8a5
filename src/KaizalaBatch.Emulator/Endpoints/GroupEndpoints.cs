using System.Text.Json.Nodes;
using KaizalaBatch.Emulator.Pipeline;
using KaizalaBatch.Emulator.Rules;
using KaizalaBatch.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace KaizalaBatch.Emulator.Endpoints;

/// <summary>
/// The group reads (groups.md, subGroups.md, members.md): the groups the connector reaches, one group's details, a
/// group with its subgroups, and a group's members. Where the Microsoft pages and the Swagger example disagree, the
/// pages win: the subGroups answer is wrapped as <c>{ "groups": [ { ..., "subGroups": [...] } ] }</c> (docs/emulator.md).
/// </summary>
internal sealed class GroupEndpoints(Service service)
{
    /// <summary><c>GET .../groups?fetchAllGroups=&amp;showDetail=</c>: the top-level groups, or with fetchAllGroups every
    /// group (depth first); showDetail adds the counts and flags of groups.md's sample.</summary>
    public IResult List(HttpContext http)
    {
        if (Flag(http, "fetchAllGroups", out var fetchAll) is { } bad1)
        {
            return bad1;
        }

        if (Flag(http, "showDetail", out var showDetail) is { } bad2)
        {
            return bad2;
        }

        var organisation = service.Groups.Current();
        var groups = new JsonArray();
        foreach (var group in fetchAll ? organisation.Groups : organisation.Roots)
        {
            groups.Add(showDetail ? Detail(group, organisation, Caller(http)) : Brief(group, organisation));
        }

        return Answers.Ok(new JsonObject { ["groups"] = groups });
    }

    /// <summary><c>GET .../groups/{groupId}</c>: <c>{ "groups": [ the group with details ] }</c>.</summary>
    public IResult Details(HttpContext http, string groupId)
    {
        if (Lookup(groupId, out var group, out var organisation) is { } bad)
        {
            return bad;
        }

        return Answers.Ok(new JsonObject { ["groups"] = new JsonArray(Detail(group!, organisation!, Caller(http))) });
    }

    /// <summary><c>GET .../groups/{groupId}/subGroups?fetchAllGroups=</c>: the group with its direct subgroups, or with
    /// fetchAllGroups its whole hierarchy (each subgroup with its own <c>subGroups</c>).</summary>
    public IResult SubGroups(HttpContext http, string groupId)
    {
        if (Lookup(groupId, out var group, out var organisation) is { } bad)
        {
            return bad;
        }

        if (Flag(http, "fetchAllGroups", out var fetchAll) is { } badFlag)
        {
            return badFlag;
        }

        return Answers.Ok(new JsonObject { ["groups"] = new JsonArray(Tree(group!, organisation!, fetchAll ? int.MaxValue : 1)) });
    }

    /// <summary><c>GET .../groups/{groupId}/members</c>: the members at the group's own level.</summary>
    public IResult Members(string groupId)
    {
        if (Lookup(groupId, out var group, out _) is { } bad)
        {
            return bad;
        }

        var members = new JsonArray();
        foreach (var member in group!.Members)
        {
            members.Add(new JsonObject
            {
                ["id"] = member.Id.ToString(),
                ["role"] = member.Role,
                ["mobileNumber"] = member.MobileNumber,
                ["isProvisioned"] = member.IsProvisioned,
            });
        }

        return Answers.Ok(new JsonObject { ["members"] = members });
    }

    private JsonAnswer? Lookup(string groupId, out OrgGroup? group, out Organisation? organisation)
    {
        group = null;
        organisation = null;
        if (ActionEndpoints.Group(service, groupId, out var id) is { } bad)
        {
            return bad;
        }

        (group, organisation) = service.Groups.Find(id);
        return group is null ? Answers.NotFound($"group {id} not found") : null;
    }

    private static JsonObject Tree(OrgGroup group, Organisation organisation, int depth)
    {
        var node = Brief(group, organisation);
        if (depth > 0)
        {
            var subGroups = new JsonArray();
            foreach (var child in organisation.SubGroupsOf(group.GroupId))
            {
                subGroups.Add(depth > 1 ? Tree(child, organisation, depth - 1) : Brief(child, organisation));
            }

            node["subGroups"] = subGroups;
        }

        return node;
    }

    private static JsonObject Brief(OrgGroup group, Organisation organisation) => new()
    {
        ["groupName"] = group.GroupName,
        ["groupId"] = group.GroupId.ToString(),
        ["groupImageUrl"] = "",
        ["hasSubGroups"] = organisation.SubGroupsOf(group.GroupId).Count > 0,
        ["hasParentGroups"] = group.ParentGroupId is not null,
        ["isMappedToTenant"] = false,
        ["groupType"] = group.GroupType,
    };

    /// <summary>Every field of groups.md's sample. userCount counts distinct people across the hierarchy below.</summary>
    private static JsonObject Detail(OrgGroup group, Organisation organisation, string callerPhone)
    {
        var users = organisation.Contains(group.GroupId) ? organisation.UsersUnder(group.GroupId) : group.Members;
        var caller = group.Members.FirstOrDefault(m => m.MobileNumber == callerPhone);
        return new JsonObject
        {
            ["groupName"] = group.GroupName,
            ["groupId"] = group.GroupId.ToString(),
            ["groupImageUrl"] = "",
            ["hasSubGroups"] = organisation.SubGroupsOf(group.GroupId).Count > 0,
            ["hasParentGroups"] = group.ParentGroupId is not null,
            ["callerRole"] = caller?.Role ?? OrgMember.Admin,
            ["currentLevelSubGroupCount"] = organisation.SubGroupsOf(group.GroupId).Count,
            ["currentLevelParentGroupCount"] = group.ParentGroupId is null ? 0 : 1,
            ["userCount"] = users.Count,
            ["uniqueUserCount"] = users.Count,
            ["currentLevelUserCount"] = group.Members.Count,
            ["currentLevelUnProvisionedUserCount"] = group.Members.Count(m => !m.IsProvisioned),
            ["unProvisionedUserCount"] = users.Count(m => !m.IsProvisioned),
            ["isMappedToTenant"] = false,
            ["groupType"] = group.GroupType,
            ["isDuplicate"] = false,
            ["isEditable"] = true,
            ["isDetailsReadable"] = true,
        };
    }

    /// <summary>The connector's own number (Senders): its role where it is a member; a connector that is not listed was
    /// granted the group by an admin and is shown as one.</summary>
    private static string Caller(HttpContext http) => Senders.PhoneOf((string)http.Items[Service.ConnectorKey]!);

    private static JsonAnswer? Flag(HttpContext http, string name, out bool value)
    {
        value = false;
        var text = http.Request.Query[name].ToString();
        return text.Length == 0 || bool.TryParse(text, out value)
            ? null
            : Answers.Refused(new Refusal(name, $"{name} must be true or false"));
    }
}
