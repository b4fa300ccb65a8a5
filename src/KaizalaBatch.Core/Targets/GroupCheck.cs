using System.Text.Json.Nodes;
using KaizalaBatch.Api;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Targets;

/// <summary>
/// <c>plan --check-groups</c>: before anything is sent, checks online that every item's group is one the connection
/// reaches (one list call), and that every assignee of a Job is a member of its group (one members call per Job group).
/// Each miss is an input error at the item's CSV row.
/// </summary>
public sealed class GroupCheck
{
    private readonly List<RenderedItem> items = [];

    /// <summary>Takes note of a valid item (invalid ones are reported by the plan already).</summary>
    public void Add(RenderedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.IsValid)
        {
            items.Add(item);
        }
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
            var at = new SourceLocation(item.File ?? "", item.FirstLine > 0 ? (int)item.FirstLine : null,
                Row: item.Rows.Count > 0 ? item.Rows[0] : null, Field: groupIdColumn.GetValueOrDefault(item.Action));
            if (!reachable.TryGetValue(item.GroupId, out var group))
            {
                errors.Add(Diagnostic.Error(DiagnosticCodes.GroupUnreachable,
                    $"action '{item.Action}': group {item.GroupId} is not one the connection reaches (it is not among the {groups.Count} groups the service lists for it)", at));
                continue;
            }
            var assignees = Assignees(item);
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

    /// <summary>A Job's <c>assignedTo</c> numbers (already normalised by the Job rules); none for other types.</summary>
    private static List<string> Assignees(RenderedItem item) =>
        item.ActionType == "Job" && item.Body?["assignedTo"] is JsonArray list
            ? list.Select(n => n?.ToString()).OfType<string>().ToList()
            : [];

    /// <summary>A number as digits with its leading +, so that "+91 96520 00000" and "+919652000000" match.</summary>
    private static string Phone(string text) =>
        string.Concat(text.Where((c, i) => char.IsAsciiDigit(c) || (c == '+' && i == 0)));
}
