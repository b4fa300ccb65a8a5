using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Targets;

namespace KaizalaBatch.Core.Tests;

/// <summary>The Targets stage on its own: which rows make an item, its group id, and the <c>where</c> filter's
/// bookkeeping (the test itself is a template; here it is a plain function).</summary>
public sealed class TargetGroupsTests
{
    private static readonly CsvColumns Columns = new(["groupId", "store"]);

    private static TargetRow Row(long number, string groupId, string store) => new(number, number + 1, Columns, [groupId, store]);

    [Fact]
    public void Without_groupBy_each_row_is_an_item()
    {
        var rows = new[] { Row(1, TempFolder.GroupA, "x"), Row(2, TempFolder.GroupA, "x") };
        var groups = TargetGroups.Of(rows, -1).ToList();
        Assert.Equal(2, groups.Count);
        Assert.All(groups, g => Assert.False(g.Grouped));
        Assert.Equal([1L, 2L], groups.Select(g => g.First.Row));
    }

    [Fact]
    public void GroupBy_gathers_rows_in_first_appearance_order()
    {
        var rows = new[] { Row(1, TempFolder.GroupA, "b"), Row(2, TempFolder.GroupA, "a"), Row(3, TempFolder.GroupA, "b") };
        var groups = TargetGroups.Of(rows, 1).ToList();
        Assert.Equal(["b", "a"], groups.Select(g => g.First["store"]));
        Assert.Equal([1L, 3L], groups[0].Rows.Select(r => r.Row));
        Assert.All(groups, g => Assert.True(g.Grouped));
    }

    [Fact]
    public void The_group_id_is_normalised_and_a_mismatch_in_a_group_is_an_error()
    {
        var errors = new List<Diagnostic>();
        var location = new SourceLocation("g.csv", 2, Row: 1);
        var upper = TempFolder.GroupA.ToUpperInvariant();
        Assert.Equal(TempFolder.GroupA, TargetGroups.GroupId(new TargetGroup(Row(1, upper, "x"), [Row(1, upper, "x")], false), 0, "groupId", location, "item", errors));
        Assert.Empty(errors);

        var group = new TargetGroup(Row(1, TempFolder.GroupA, "x"), [Row(1, TempFolder.GroupA, "x"), Row(4, TempFolder.GroupB, "x")], true);
        TargetGroups.GroupId(group, 0, "groupId", location, "item", errors);
        var error = Assert.Single(errors);
        Assert.Equal(DiagnosticCodes.GroupId, error.Code);
        Assert.Equal(new SourceLocation("g.csv", 5, Row: 4, Field: "groupId"), error.Location);

        errors.Clear();
        Assert.Equal("nope", TargetGroups.GroupId(new TargetGroup(Row(1, " nope ", "x"), [Row(1, " nope ", "x")], false), 0, "groupId", location, "item", errors));
        Assert.Contains("'nope' is not a GUID (item)", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Where_keeps_passing_rows_and_warns_when_none_pass()
    {
        var where = new StringToken("row.store == 'x'", new SourceLocation("run.yaml", 9, 12), 9, 12);
        var targets = new TargetsDefinition("/tmp/g.csv", "g.csv", "groupId", null, where, new SourceLocation("run.yaml", 8, 5));
        var rows = new[] { Row(1, TempFolder.GroupA, "x"), Row(2, TempFolder.GroupA, "y") };
        var diagnostics = new List<Diagnostic>();

        Assert.Equal([1L], RowFilter.Where(rows, "survey", targets, r => r["store"] == "x", diagnostics.Add).Select(r => r.Row));
        Assert.Empty(diagnostics);

        Assert.Empty(RowFilter.Where(rows, "survey", targets, _ => false, diagnostics.Add).ToList());
        var warning = Assert.Single(diagnostics);
        Assert.Equal((Severity.Warning, DiagnosticCodes.NoRowSelected, where.Location), (warning.Severity, warning.Code, warning.Location));
        Assert.Equal("targets.where 'row.store == 'x'' is false for all 2 rows of g.csv: action 'survey' has no items", warning.Message);
    }
}
