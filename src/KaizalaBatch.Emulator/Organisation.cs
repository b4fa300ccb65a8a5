using System.Security.Cryptography;
using System.Text;

namespace KaizalaBatch.Emulator;

/// <summary>A member of a group: a phone number with country code and a role (members.md).</summary>
/// <param name="Id">The member's id; the same person (phone number) has the same id in every group.</param>
public sealed record OrgMember(Guid Id, string MobileNumber, string Role, bool IsProvisioned = true)
{
    public const string Admin = "Admin";
    public const string Member = "Member";

    /// <summary>A member whose id is derived from the phone number (stable across runs and files).</summary>
    public static OrgMember Of(string mobileNumber, string role = Member, bool isProvisioned = true) =>
        new(Organisation.DerivedId("member:" + mobileNumber), mobileNumber, role, isProvisioned);
}

/// <summary>One group of an organisation: its parent (null at the top) and the members at its own level.</summary>
public sealed record OrgGroup(Guid GroupId, string GroupName, Guid? ParentGroupId, IReadOnlyList<OrgMember> Members)
{
    /// <summary>"Group" or "ConnectGroup" (a managed public group), as groups.md names them.</summary>
    public string GroupType { get; init; } = "Group";
}

/// <summary>
/// The groups a connector reaches, in a hierarchy, with their members: what the emulator's group calls serve and
/// what a post is checked against (a group outside it answers 404). Immutable; built from a list of groups
/// (parents before or after their children), <see cref="Generate"/>d from a seed, or loaded from a file
/// (<see cref="OrganisationFile"/>, docs/organisation.md).
/// </summary>
public sealed class Organisation
{
    private readonly Dictionary<Guid, OrgGroup> byId;
    private readonly Dictionary<Guid, List<OrgGroup>> children;
    private readonly Dictionary<Guid, int> levels = [];

    /// <summary>Throws <see cref="ArgumentException"/> for a repeated groupId, a parent that is not in the list, or a cycle.</summary>
    public Organisation(IEnumerable<OrgGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var list = groups.ToList();
        byId = new Dictionary<Guid, OrgGroup>(list.Count);
        foreach (var group in list)
        {
            if (!byId.TryAdd(group.GroupId, group))
            {
                throw new ArgumentException($"the groupId {group.GroupId} is used twice");
            }
        }

        children = list.ToDictionary(g => g.GroupId, _ => new List<OrgGroup>());
        var roots = new List<OrgGroup>();
        foreach (var group in list)
        {
            if (group.ParentGroupId is not { } parent)
            {
                roots.Add(group);
            }
            else if (children.TryGetValue(parent, out var siblings))
            {
                siblings.Add(group);
            }
            else
            {
                throw new ArgumentException($"group {group.GroupId} names a parent {parent} that is not in the organisation");
            }
        }

        Roots = roots;
        var ordered = new List<OrgGroup>(list.Count);
        foreach (var root in roots)
        {
            Walk(root, 0, ordered);
        }

        if (ordered.Count != list.Count)
        {
            throw new ArgumentException("the parents form a cycle: some groups are not under any top-level group");
        }

        Groups = ordered;
    }

    /// <summary>Every group, depth first (a parent before its subgroups), top-level groups in the order given.</summary>
    public IReadOnlyList<OrgGroup> Groups { get; }

    /// <summary>The groups without a parent.</summary>
    public IReadOnlyList<OrgGroup> Roots { get; }

    public bool Contains(Guid groupId) => byId.ContainsKey(groupId);

    public OrgGroup? Find(Guid groupId) => byId.GetValueOrDefault(groupId);

    /// <summary>The direct subgroups of a group (empty for an unknown one).</summary>
    public IReadOnlyList<OrgGroup> SubGroupsOf(Guid groupId) => children.TryGetValue(groupId, out var list) ? list : [];

    /// <summary>0 for a top-level group, 1 for its subgroups, ...</summary>
    public int LevelOf(Guid groupId) => levels[groupId];

    /// <summary>The group and every group under it, depth first.</summary>
    public IEnumerable<OrgGroup> Subtree(Guid groupId)
    {
        if (Find(groupId) is not { } group)
        {
            yield break;
        }

        yield return group;
        foreach (var child in SubGroupsOf(groupId))
        {
            foreach (var below in Subtree(child.GroupId))
            {
                yield return below;
            }
        }
    }

    /// <summary>Distinct members (by phone number) of the group and every group under it: groups.md's userCount.</summary>
    public IReadOnlyList<OrgMember> UsersUnder(Guid groupId) =>
        Subtree(groupId).SelectMany(g => g.Members).DistinctBy(m => m.MobileNumber, StringComparer.Ordinal).ToList();

    /// <summary>A plausible organisation of <paramref name="size"/> groups, the same for the same seed (see
    /// <see cref="OrganisationGenerator"/>).</summary>
    public static Organisation Generate(int size, int seed) => OrganisationGenerator.Generate(size, seed);

    /// <summary>A GUID derived from a text, so that generated and file-given ids are stable everywhere.</summary>
    public static Guid DerivedId(string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return AsVersion4(hash.AsSpan(0, 16));
    }

    /// <summary>16 bytes as a random (version 4, RFC 4122 variant) GUID.</summary>
    internal static Guid AsVersion4(ReadOnlySpan<byte> bytes)
    {
        Span<byte> b = stackalloc byte[16];
        bytes[..16].CopyTo(b);
        b[7] = (byte)((b[7] & 0x0F) | 0x40);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return new Guid(b);
    }

    private void Walk(OrgGroup group, int level, List<OrgGroup> ordered)
    {
        if (!levels.TryAdd(group.GroupId, level))
        {
            return;
        }

        ordered.Add(group);
        foreach (var child in children[group.GroupId])
        {
            Walk(child, level + 1, ordered);
        }
    }
}
