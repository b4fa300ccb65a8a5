using System.Globalization;
using CsvHelper;
using KaizalaBatch.Api;

namespace KaizalaBatch.Targets;

/// <summary>The CSV files of <c>groups</c>, ready for a run file's <c>targets:</c> (the group's GUID in <c>groupId</c>).
/// Cells are quoted where needed but not neutralised against spreadsheet formulas: mobile numbers begin with +, and
/// the file is meant to be read back by this tool as it is.</summary>
public static class GroupCsv
{
    public static readonly IReadOnlyList<string> GroupColumns = ["groupId", "groupName", "parentGroupId", "level", "memberCount"];

    public static readonly IReadOnlyList<string> MemberColumns = ["groupId", "groupName", "mobileNumber", "role"];

    /// <summary>One row per group.</summary>
    public static void WriteGroups(IEnumerable<GroupRow> groups, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(groups);
        using var csv = CsvWriter.Create(output, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
        csv.WriteHeader([.. GroupColumns]);
        foreach (var g in groups)
        {
            csv.WriteRecord([g.GroupId, g.GroupName, g.ParentGroupId ?? "", g.Level.ToString(CultureInfo.InvariantCulture),
                g.MemberCount?.ToString(CultureInfo.InvariantCulture) ?? ""]);
        }
    }

    /// <summary>One row per member of each group (a group without members has no row).</summary>
    public static void WriteMembers(IEnumerable<(GroupRow Group, IReadOnlyList<GroupMember> Members)> groups, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(groups);
        using var csv = CsvWriter.Create(output, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
        csv.WriteHeader([.. MemberColumns]);
        foreach (var (group, members) in groups)
        {
            foreach (var member in members)
            {
                csv.WriteRecord([group.GroupId, group.GroupName, member.MobileNumber, member.Role]);
            }
        }
    }
}
