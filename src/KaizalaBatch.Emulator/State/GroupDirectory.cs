namespace KaizalaBatch.Emulator.State;

/// <summary>
/// The one place that says which groups exist: <see cref="EmulatorOptions.Organisation"/> when set; else
/// <see cref="EmulatorOptions.KnownGroups"/> as an organisation of nameless top-level groups without members (read
/// live); else every GUID is a group, none of them listed and none with members.
/// </summary>
internal sealed class GroupDirectory(EmulatorOptions options)
{
    /// <summary>Whether a post or read to this group is served (else 404).</summary>
    public bool IsKnown(Guid groupId) =>
        options.Organisation?.Contains(groupId) ?? options.KnownGroups?.Contains(groupId) ?? true;

    /// <summary>The organisation the group calls answer from: the configured one, the flat one of KnownGroups (a
    /// snapshot), or an empty one when every GUID is a group.</summary>
    public Organisation Current() =>
        options.Organisation ?? new Organisation((options.KnownGroups ?? new HashSet<Guid>()).Order().Select(Nameless));

    /// <summary>A group as the calls show it: from the organisation, or a nameless one when any GUID is a group; null
    /// when it is unknown.</summary>
    public (OrgGroup? Group, Organisation Organisation) Find(Guid groupId)
    {
        var organisation = Current();
        if (organisation.Find(groupId) is { } group)
        {
            return (group, organisation);
        }

        return (IsKnown(groupId) ? Nameless(groupId) : null, organisation);
    }

    private static OrgGroup Nameless(Guid groupId) => new(groupId, "Group " + groupId.ToString()[..8], null, []);
}
