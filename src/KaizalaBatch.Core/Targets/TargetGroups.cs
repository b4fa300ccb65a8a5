using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.Targets;

/// <summary>Which rows become one item, and the group that item goes to.</summary>
public static class TargetGroups
{
    /// <summary>Rows one by one, or grouped by the <c>groupBy</c> column. Grouping has to see every row before it can
    /// hand out a group, so the rows of a grouped action are buffered (in first-appearance order); ungrouped actions
    /// stream.</summary>
    /// <param name="groupByIndex">The <c>groupBy</c> column's position, or -1 without grouping.</param>
    public static IEnumerable<TargetGroup> Of(IEnumerable<TargetRow> rows, int groupByIndex)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return groupByIndex < 0 ? Single(rows) : Grouped(rows, groupByIndex);
    }

    private static IEnumerable<TargetGroup> Single(IEnumerable<TargetRow> rows)
    {
        foreach (var row in rows)
        {
            yield return new TargetGroup(row, [row], Grouped: false);
        }
    }

    private static IEnumerable<TargetGroup> Grouped(IEnumerable<TargetRow> rows, int groupByIndex)
    {
        var groups = new Dictionary<string, List<TargetRow>>(StringComparer.Ordinal);
        var order = new List<List<TargetRow>>();
        foreach (var row in rows)
        {
            var value = row.Values[groupByIndex];
            if (!groups.TryGetValue(value, out var members))
            {
                members = [];
                groups.Add(value, members);
                order.Add(members);
            }
            members.Add(row);
        }
        foreach (var members in order)
        {
            yield return new TargetGroup(members[0], members, Grouped: true);
        }
    }

    /// <summary>The group id of the item made of <paramref name="group"/>: its first row's cell, normalised to
    /// lower-case "D" format when it is a GUID. A cell that is not, or grouped rows that name different ids, is an
    /// error on the item (in <paramref name="errors"/>).</summary>
    /// <param name="groupColumn">The group id column's name as the CSV header writes it (for the error's location).</param>
    /// <param name="location">The CSV file and the item's first row.</param>
    /// <param name="description">How messages name the item (an <see cref="ItemOrigin"/>).</param>
    public static string GroupId(TargetGroup group, int groupIdIndex, string groupColumn, SourceLocation location, object description,
        List<Diagnostic> errors)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(errors);
        var first = group.First;
        var rawGroup = first.Values[groupIdIndex].Trim();
        var groupId = rawGroup;
        if (Guid.TryParse(rawGroup, out var guid))
        {
            // A cell already in lower-case "D" form is kept as it is: formatting the GUID into a new string made a
            // second copy of the same text for every row (96 bytes a row at 1,000,000 rows).
            Span<char> canonical = stackalloc char[36];
            if (!guid.TryFormat(canonical, out var written, "D") || !canonical[..written].SequenceEqual(rawGroup))
            {
                groupId = guid.ToString("D");
            }
        }
        else
        {
            errors.Add(Diagnostic.Error(DiagnosticCodes.GroupId,
                rawGroup.Length == 0 ? $"the group id is empty ({description})" : $"the group id '{rawGroup}' is not a GUID ({description})",
                location with { Field = groupColumn }));
        }
        if (group.Grouped)
        {
            foreach (var member in group.Rows)
            {
                if (!string.Equals(member.Values[groupIdIndex].Trim(), rawGroup, StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add(Diagnostic.Error(DiagnosticCodes.GroupId,
                        $"rows {first.Row} and {member.Row} are grouped together but name different group ids ({description})",
                        new SourceLocation(location.File, (int)member.Line, Row: member.Row, Field: groupColumn)));
                    break;
                }
            }
        }
        return groupId;
    }
}
