using System.Text.Json;
using System.Text.Json.Nodes;

namespace KaizalaBatch.Api;

/// <summary>A group as the list call shows it (groups.md, <c>showDetail=true</c>).</summary>
/// <param name="MemberCount"><c>currentLevelUserCount</c>: the members at the group's own level; null when not given.</param>
public sealed record ListedGroup(string GroupId, string GroupName, bool HasSubGroups, bool HasParentGroups, int? MemberCount);

/// <summary>A group with its subgroups, as the subGroups call shows them (subGroups.md).</summary>
public sealed record GroupNode(string GroupId, string GroupName, IReadOnlyList<GroupNode> SubGroups);

/// <summary>A member of a group (members.md).</summary>
public sealed record GroupMember(string? Id, string MobileNumber, string Role);

/// <summary>What a read call came to: the value, or why there is none.</summary>
public sealed record ApiRead<T>(T? Value, ApiOutcome? Failure) where T : class
{
    public bool Succeeded => Failure is null;
}

public sealed partial class KaizalaClient
{
    /// <summary><c>GET {endpoint}v1/groups?fetchAllGroups=true&amp;showDetail=true</c>: every group the connection reaches,
    /// parents and subgroups alike.</summary>
    public async Task<ApiRead<IReadOnlyList<ListedGroup>>> ListGroupsAsync(CancellationToken cancellationToken)
    {
        var outcome = await ReadGroupCallAsync("v1/groups?fetchAllGroups=true&showDetail=true", cancellationToken).ConfigureAwait(false);
        if (outcome is not Accepted answer)
        {
            return new(null, outcome);
        }
        var groups = new List<ListedGroup>();
        foreach (var node in answer.Body["groups"] as JsonArray ?? [])
        {
            if (node is JsonObject group && GroupJson.Text(group["groupId"]) is { } id)
            {
                groups.Add(new ListedGroup(id, GroupJson.Text(group["groupName"]) ?? "", GroupJson.Flag(group["hasSubGroups"]), GroupJson.Flag(group["hasParentGroups"]),
                    GroupJson.Count(group["currentLevelUserCount"])));
            }
        }
        return new(groups, null);
    }

    /// <summary><c>GET {endpoint}v1/groups/{groupId}/subGroups?fetchAllGroups=true</c>: the group with its whole hierarchy.
    /// Reads the form subGroups.md documents (<c>{ "groups": [ group ] }</c>) and the Swagger example's (the group itself at
    /// the top), each group's subgroups under <c>subGroups</c>.</summary>
    public async Task<ApiRead<GroupNode>> ReadSubGroupsAsync(string groupId, CancellationToken cancellationToken)
    {
        var outcome = await ReadGroupCallAsync($"v1/groups/{Uri.EscapeDataString(groupId)}/subGroups?fetchAllGroups=true", cancellationToken)
            .ConfigureAwait(false);
        if (outcome is not Accepted answer)
        {
            return new(null, outcome);
        }
        var top = answer.Body["groups"] is JsonArray list
            ? list.OfType<JsonObject>().FirstOrDefault(g => string.Equals(GroupJson.Text(g["groupId"]), groupId, StringComparison.OrdinalIgnoreCase))
                ?? list.OfType<JsonObject>().FirstOrDefault()
            : answer.Body;
        return top is null
            ? new(null, new Permanent(200, $"the subGroups answer for group {groupId} holds no group"))
            : new(GroupJson.Node(top, groupId), null);
    }

    /// <summary><c>GET {endpoint}v1/groups/{groupId}/members</c>: the members at the group's own level.</summary>
    public async Task<ApiRead<IReadOnlyList<GroupMember>>> ReadMembersAsync(string groupId, CancellationToken cancellationToken)
    {
        var outcome = await ReadGroupCallAsync($"v1/groups/{Uri.EscapeDataString(groupId)}/members", cancellationToken).ConfigureAwait(false);
        if (outcome is not Accepted answer)
        {
            return new(null, outcome);
        }
        var members = new List<GroupMember>();
        foreach (var node in answer.Body["members"] as JsonArray ?? [])
        {
            if (node is JsonObject member && GroupJson.Text(member["mobileNumber"]) is { } phone)
            {
                members.Add(new GroupMember(GroupJson.Text(member["id"]), phone, GroupJson.Text(member["role"]) ?? ""));
            }
        }
        return new(members, null);
    }

    private Task<ApiOutcome> ReadGroupCallAsync(string relative, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Get, relative, null, cancellationToken);
}

/// <summary>Reading the group answers (file-local, so the client's other parts may use these names freely).</summary>
file static class GroupJson
{
    public static GroupNode Node(JsonObject group, string? fallbackId)
    {
        var subGroups = (group["subGroups"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(g => Text(g["groupId"]) is not null)
            .Select(g => Node(g, null))
            .ToList();
        return new GroupNode(Text(group["groupId"]) ?? fallbackId ?? "", Text(group["groupName"]) ?? "", subGroups);
    }

    public static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? (string?)node : null;

    public static bool Flag(JsonNode? node) => node?.GetValueKind() == JsonValueKind.True;

    public static int? Count(JsonNode? node) =>
        node?.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var n) ? n : null;
}
