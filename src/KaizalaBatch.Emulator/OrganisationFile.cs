using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace KaizalaBatch.Emulator;

/// <summary>An organisation file that cannot be used; the message names the file and where in it.</summary>
public sealed class OrganisationFileException(string where, string reason) : Exception($"{where}: error: {reason}")
{
    /// <summary>The file, perhaps with :line:column.</summary>
    public string Where { get; } = where;

    /// <summary>What is wrong, perhaps starting with the JSON path of the value.</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// Reads an organisation from JSON (docs/organisation.md): <c>{ "groups": [ { "groupId", "groupName", "groupType"?,
/// "members": [ { "mobileNumber", "role"?, "isProvisioned"? } ], "subGroups": [ ...the same, nested... ] } ] }</c>,
/// the nesting of the service's own subGroups answer.
/// </summary>
public static partial class OrganisationFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Throws <see cref="OrganisationFileException"/> when the file is missing, not JSON of this shape, or
    /// inconsistent (a repeated groupId, a phone number without country code, a role other than Admin/Member).</summary>
    public static Organisation Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OrganisationFileException(path, $"cannot read the organisation file: {e.Message}");
        }

        return Parse(text, path);
    }

    /// <param name="source">Names the text in messages (a path).</param>
    public static Organisation Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        FileModel? model;
        try
        {
            model = JsonSerializer.Deserialize<FileModel>(text, Json);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $":{line + 1}:{(e.BytePositionInLine ?? 0) + 1}" : "";
            throw new OrganisationFileException(source + where, Describe(e));
        }

        if (model is null)
        {
            throw new OrganisationFileException(source, "the file holds null; expected { \"groups\": [ ... ] }");
        }

        var groups = new List<OrgGroup>();
        var seen = new Dictionary<Guid, string>();
        for (var i = 0; i < model.Groups.Count; i++)
        {
            Flatten(model.Groups[i], null, $"$.groups[{i}]", groups, seen, source);
        }

        return new Organisation(groups);
    }

    private static void Flatten(GroupModel group, Guid? parent, string at, List<OrgGroup> groups, Dictionary<Guid, string> seen, string source)
    {
        if (!seen.TryAdd(group.GroupId, at))
        {
            throw Error(source, at + ".groupId", $"the groupId {group.GroupId} is already used at {seen[group.GroupId]}");
        }

        if (string.IsNullOrWhiteSpace(group.GroupName))
        {
            throw Error(source, at + ".groupName", "groupName must not be empty");
        }

        if (group.GroupType is not ("Group" or "ConnectGroup"))
        {
            throw Error(source, at + ".groupType", $"groupType is Group or ConnectGroup, not '{group.GroupType}'");
        }

        var members = new List<OrgMember>();
        var phones = new HashSet<string>(StringComparer.Ordinal);
        for (var m = 0; m < group.Members.Count; m++)
        {
            var member = group.Members[m];
            var where = $"{at}.members[{m}]";
            if (!Phone().IsMatch(member.MobileNumber))
            {
                throw Error(source, where + ".mobileNumber",
                    $"'{member.MobileNumber}' is not a mobile number with country code such as +919652000000");
            }

            var role = member.Role switch
            {
                _ when string.Equals(member.Role, OrgMember.Admin, StringComparison.OrdinalIgnoreCase) => OrgMember.Admin,
                _ when string.Equals(member.Role, OrgMember.Member, StringComparison.OrdinalIgnoreCase) => OrgMember.Member,
                _ => throw Error(source, where + ".role", $"role is Admin or Member, not '{member.Role}'"),
            };
            if (!phones.Add(member.MobileNumber))
            {
                throw Error(source, where + ".mobileNumber", $"{member.MobileNumber} is listed twice in this group");
            }

            members.Add(OrgMember.Of(member.MobileNumber, role, member.IsProvisioned));
        }

        groups.Add(new OrgGroup(group.GroupId, group.GroupName, parent, members) { GroupType = group.GroupType });
        for (var s = 0; s < group.SubGroups.Count; s++)
        {
            Flatten(group.SubGroups[s], group.GroupId, $"{at}.subGroups[{s}]", groups, seen, source);
        }
    }

    private static OrganisationFileException Error(string source, string at, string message) =>
        new(source, $"{at}: {message}");

    /// <summary>System.Text.Json's message, minus its advice about the serializer.</summary>
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var text = cut > 0 ? message[..cut] : message;
        return e.Path is { Length: > 0 } path ? $"{path}: {text}" : text;
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex Phone();

    private sealed record FileModel(IReadOnlyList<GroupModel> Groups);

    private sealed record GroupModel(Guid GroupId, string GroupName)
    {
        public string GroupType { get; init; } = "Group";

        public IReadOnlyList<MemberModel> Members { get; init; } = [];

        public IReadOnlyList<GroupModel> SubGroups { get; init; } = [];
    }

    private sealed record MemberModel(string MobileNumber)
    {
        public string Role { get; init; } = OrgMember.Member;

        public bool IsProvisioned { get; init; } = true;
    }
}
