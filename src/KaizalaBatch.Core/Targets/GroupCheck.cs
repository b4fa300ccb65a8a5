using KaizalaBatch.Api;
using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.Targets;

/// <summary>One valid item as the group check sees it: the group it goes to, where it came from, and whom it assigns.</summary>
/// <param name="Action">The run file's action name.</param>
/// <param name="GroupId">The target group's GUID.</param>
/// <param name="File">The CSV file the item came from, as the run file names it.</param>
/// <param name="FirstLine">The line of the CSV file where the item's first row starts; 0 when unknown.</param>
/// <param name="FirstRow">The item's first CSV data row, or null.</param>
/// <param name="Assignees">A Job's <c>assignedTo</c> numbers (normalised by the Job rules); empty for other types.</param>
public sealed record GroupTarget(string Action, string GroupId, string File, long FirstLine, long? FirstRow, IReadOnlyList<string> Assignees);

/// <summary>
/// <c>plan --check-groups</c>: before anything is sent, checks online that every item's group is one the connection
/// reaches (one list call), and that every assignee of a Job is a member of its group (one members call per Job group).
/// Each miss is an input error at the item's CSV row.
/// </summary>
public sealed class GroupCheck
{
    private readonly List<GroupTarget> items = [];

    /// <summary>Takes note of a valid item's target (the plan has reported the invalid ones already).</summary>
    public void Add(GroupTarget item)
    {
        ArgumentNullException.ThrowIfNull(item);
        items.Add(item);
    }

    /// <summary>How many items were taken note of.</summary>
    public int Items => items.Count;

    /// <summary>The misses as input errors, in CSV order; a failure when the service could not be read.</summary>
    /// <param name="groupIdColumn">The column each action's group comes from, by action name (for the error's location).</param>
    public async Task<ApiRead<IReadOnlyList<Diagnostic>>> CheckAsync(GroupReader reader, IReadOnlyDictionary<string, string> groupIdColumn,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(groupIdColumn);
        var errors = new List<Diagnostic>();
        if (items.Count == 0)
        {
            return new(errors, null);
        }
        var listed = await reader.ReadGroupsAsync(null, cancellationToken).ConfigureAwait(false);
        if (listed.Value is not { } groups)
        {
            return new(null, listed.Failure);
        }
        var reachable = groups.ToDictionary(g => g.GroupId, StringComparer.OrdinalIgnoreCase);
        var members = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items)
        {
            var at = new SourceLocation(item.File, item.FirstLine > 0 ? (int)item.FirstLine : null,
                Row: item.FirstRow, Field: groupIdColumn.GetValueOrDefault(item.Action));
            if (!reachable.TryGetValue(item.GroupId, out var group))
            {
                errors.Add(Diagnostic.Error(DiagnosticCodes.GroupUnreachable,
                    $"action '{item.Action}': group {item.GroupId} is not one the connection reaches (it is not among the {groups.Count} groups the service lists for it)", at));
                continue;
            }
            var assignees = item.Assignees;
            if (assignees.Count == 0)
            {
                continue;
            }
            if (!members.TryGetValue(item.GroupId, out var phones))
            {
                var read = await reader.ReadMembersAsync(item.GroupId, cancellationToken).ConfigureAwait(false);
                if (read.Value is null)
                {
                    return new(null, read.Failure);
                }
                phones = read.Value.Select(m => Phone(m.MobileNumber)).ToHashSet(StringComparer.Ordinal);
                members[item.GroupId] = phones;
            }
            foreach (var assignee in assignees.Where(a => !phones.Contains(Phone(a))))
            {
                errors.Add(Diagnostic.Error(DiagnosticCodes.NotAMember,
                    $"action '{item.Action}': assignee {assignee} is not a member of group {item.GroupId} ('{group.GroupName}')",
                    at with { Field = "assignedTo" }));
            }
        }
        return new(errors, null);
    }

    /// <summary>A number as digits with its leading +, so that "+91 96520 00000" and "+919652000000" match.</summary>
    private static string Phone(string text) =>
        string.Concat(text.Where((c, i) => char.IsAsciiDigit(c) || (c == '+' && i == 0)));
}
