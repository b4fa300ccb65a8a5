using System.Text.Json.Nodes;
using KaizalaBatch.Targets;

namespace KaizalaBatch.Planning;

/// <summary>Hands rendered items to <c>plan --check-groups</c>. The check belongs to Targets, before items exist, so it
/// takes a <see cref="GroupTarget"/>; this is where an item becomes one.</summary>
public static class GroupTargets
{
    /// <summary>Takes note of <paramref name="item"/> when it is valid (the plan reports the invalid ones).</summary>
    public static void Add(this GroupCheck check, RenderedItem item)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(item);
        if (item.IsValid)
        {
            check.Add(Of(item));
        }
    }

    public static GroupTarget Of(RenderedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new GroupTarget(item.Action, item.GroupId, item.File ?? "", item.FirstLine, item.Rows.Count > 0 ? item.Rows[0] : null, Assignees(item));
    }

    /// <summary>A Job's <c>assignedTo</c> numbers (already normalised by the Job rules); none for other types.</summary>
    private static List<string> Assignees(RenderedItem item) =>
        item.ActionType == "Job" && item.Body?["assignedTo"] is JsonArray list
            ? list.Select(n => n?.ToString()).OfType<string>().ToList()
            : [];
}
