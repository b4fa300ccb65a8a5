using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Targets;

namespace KaizalaBatch.Core.Tests;

public sealed class CsvTargetReaderTests
{
    private static TargetsDefinition Targets(TempFolder folder, string file, string groupId = "groupId", string? groupBy = null) =>
        new(Path.Combine(folder.Path, file), file, groupId, groupBy, null, new SourceLocation("run.yaml", 1, 1));

    private static (List<TargetRow> Rows, List<Diagnostic> Diagnostics, CsvTargetReader? Reader) Read(TempFolder folder, string file, string groupId = "groupId", string? groupBy = null)
    {
        var diagnostics = new List<Diagnostic>();
        using var reader = CsvTargetReader.Open(Targets(folder, file, groupId, groupBy), diagnostics.Add);
        var rows = reader?.ReadRows(TestContext.Current.CancellationToken).ToList() ?? [];
        return (rows, diagnostics, reader);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_utf8_with_or_without_bom(bool bom)
    {
        using var folder = new TempFolder();
        folder.Write("g.csv", $"groupId,site\n{TempFolder.GroupA},Pune – Kothrud\n", bom);
        var (rows, diagnostics, reader) = Read(folder, "g.csv");
        Assert.Empty(diagnostics);
        Assert.Equal(["groupId", "site"], reader!.Columns.Names);
        var row = Assert.Single(rows);
        Assert.Equal(TempFolder.GroupA, row["groupId"]);
        Assert.Equal("Pune – Kothrud", row["site"]);
        Assert.Equal(1, row.Row);
        Assert.Equal(2, row.Line);
    }

    [Theory]
    [InlineData(";")]
    [InlineData("\t")]
    [InlineData(",")]
    public void Detects_the_separator(string separator)
    {
        using var folder = new TempFolder();
        folder.Write("g.csv", $"groupId{separator}site{separator}region\n{TempFolder.GroupA}{separator}a{separator}APAC\n{TempFolder.GroupB}{separator}b{separator}EMEA\n");
        var (rows, diagnostics, _) = Read(folder, "g.csv");
        Assert.Empty(diagnostics);
        Assert.Equal(2, rows.Count);
        Assert.Equal("EMEA", rows[1]["region"]);
    }

    [Fact]
    public void Quoted_fields_keep_separators_newlines_and_doubled_quotes()
    {
        using var folder = new TempFolder();
        folder.Write("g.csv", $"groupId,note,site\r\n{TempFolder.GroupA},\"a, b\nc \"\"quoted\"\"\",x\r\n{TempFolder.GroupB},plain,y\r\n");
        var (rows, diagnostics, _) = Read(folder, "g.csv");
        Assert.Empty(diagnostics);
        Assert.Equal("a, b\nc \"quoted\"", rows[0]["note"]);
        Assert.Equal((2L, 2L), (rows[0].Line, rows[1].Row));
        Assert.Equal(4, rows[1].Line);
    }

    [Fact]
    public void A_missing_file_is_reported()
    {
        using var folder = new TempFolder();
        var (rows, diagnostics, reader) = Read(folder, "none.csv");
        Assert.Null(reader);
        Assert.Empty(rows);
        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.CsvMissing, error.Code);
        Assert.Equal("none.csv", error.Location.File);
    }

    [Fact]
    public void An_empty_file_is_reported()
    {
        using var folder = new TempFolder();
        folder.Write("g.csv", "");
        var (_, diagnostics, reader) = Read(folder, "g.csv");
        Assert.Null(reader);
        Assert.Equal(DiagnosticCodes.CsvEmpty, Assert.Single(diagnostics).Code);
    }

    [Fact]
    public void Header_problems_are_all_reported_with_their_columns()
    {
        using var folder = new TempFolder();
        folder.Write("g.csv", $"groupId,site,,Site\n{TempFolder.GroupA},a,b,c\n");
        var (_, diagnostics, reader) = Read(folder, "g.csv");
        Assert.Null(reader);
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.CsvHeader && d.Location.Field == "column 3" && d.Location.Line == 1);
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.CsvDuplicateHeader && d.Location.Field == "Site");
        Assert.Equal(2, diagnostics.Count);
    }

    [Fact]
    public void A_missing_group_id_column_names_the_header()
    {
        using var folder = new TempFolder();
        folder.Write("g.csv", $"group,site\n{TempFolder.GroupA},a\n");
        var (_, diagnostics, _) = Read(folder, "g.csv");
        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.CsvColumnMissing, error.Code);
        Assert.Equal("groupId", error.Location.Field);
        Assert.Contains("'group', 'site'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_without_a_header_row_is_recognised()
    {
        using var folder = new TempFolder();
        folder.Write("g.csv", $"{TempFolder.GroupA},a\n{TempFolder.GroupB},b\n");
        var (_, diagnostics, _) = Read(folder, "g.csv");
        var error = Assert.Single(diagnostics);
        Assert.Contains("header row is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_group_by_column_is_reported()
    {
        using var folder = new TempFolder();
        folder.Write("g.csv", $"groupId,site\n{TempFolder.GroupA},a\n");
        var (_, diagnostics, _) = Read(folder, "g.csv", groupBy: "store");
        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.CsvColumnMissing, error.Code);
        Assert.Equal("store", error.Location.Field);
    }

    [Fact]
    public void Columns_match_exactly_then_ignoring_case()
    {
        using var folder = new TempFolder();
        folder.Write("g.csv", $"GroupID,site\n{TempFolder.GroupA},a\n");
        var (rows, diagnostics, reader) = Read(folder, "g.csv");
        Assert.Empty(diagnostics);
        Assert.Equal(0, reader!.GroupIdIndex);
        Assert.Single(rows);
    }

    [Fact]
    public void Ragged_rows_are_left_out_with_their_row_line_and_column()
    {
        using var folder = new TempFolder();
        folder.Write("g.csv", $"groupId,site,region\n{TempFolder.GroupA},a,APAC\n{TempFolder.GroupB},b\n{TempFolder.GroupC},c,EMEA,extra\n{TempFolder.GroupA},d,APAC\n");
        var (rows, diagnostics, _) = Read(folder, "g.csv");
        Assert.Equal([1L, 4L], rows.Select(r => r.Row));
        Assert.Equal(2, diagnostics.Count);
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticCodes.CsvFieldCount, d.Code));
        Assert.Equal((2L, 3, "region"), (diagnostics[0].Location.Row!.Value, diagnostics[0].Location.Line!.Value, diagnostics[0].Location.Field));
        Assert.Equal((3L, 4, "column 4"), (diagnostics[1].Location.Row!.Value, diagnostics[1].Location.Line!.Value, diagnostics[1].Location.Field));
        Assert.Contains("data row 2 has 2 fields but the header has 3", diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_quoting_is_reported_and_the_row_left_out_without_renumbering_the_rest()
    {
        using var folder = new TempFolder();
        folder.Write("g.csv", $"groupId,site\n{TempFolder.GroupA},a\n{TempFolder.GroupB},\"b\"x\n{TempFolder.GroupC},c\n");
        var (rows, diagnostics, _) = Read(folder, "g.csv");
        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.CsvQuoting, error.Code);
        Assert.Equal(2, error.Location.Row);
        Assert.Equal(3, error.Location.Line);
        Assert.Equal("site", error.Location.Field);
        Assert.Equal([1L, 3L], rows.Select(r => r.Row));
    }

    [Fact]
    public void Empty_lines_are_skipped()
    {
        using var folder = new TempFolder();
        folder.Write("g.csv", $"groupId,site\n\n{TempFolder.GroupA},a\n\n{TempFolder.GroupB},b\n");
        var (rows, diagnostics, _) = Read(folder, "g.csv");
        Assert.Empty(diagnostics);
        Assert.Equal([3L, 5L], rows.Select(r => r.Line));
    }

    [Fact]
    public void Rows_stream_one_at_a_time()
    {
        using var folder = new TempFolder();
        var text = new System.Text.StringBuilder("groupId,n\n");
        for (var i = 0; i < 50_000; i++)
        {
            text.Append(TempFolder.GroupA).Append(',').Append(i).Append('\n');
        }
        folder.Write("g.csv", text.ToString());
        var diagnostics = new List<Diagnostic>();
        using var reader = CsvTargetReader.Open(Targets(folder, "g.csv"), diagnostics.Add)!;
        using var rows = reader.ReadRows(TestContext.Current.CancellationToken).GetEnumerator();
        Assert.True(rows.MoveNext());
        Assert.Equal("0", rows.Current["n"]);
        var count = 1;
        while (rows.MoveNext())
        {
            count++;
        }
        Assert.Equal(50_000, count);
    }
}

public sealed class CsvTargetReaderEdgeTests
{
    [Fact]
    public void A_header_without_rows_is_a_warning()
    {
        using var folder = new TempFolder();
        folder.Write("g.csv", "groupId,site\n");
        var diagnostics = new List<Diagnostic>();
        using var reader = CsvTargetReader.Open(new TargetsDefinition(Path.Combine(folder.Path, "g.csv"), "g.csv", "groupId", null, null, new SourceLocation("run.yaml")), diagnostics.Add)!;
        Assert.Empty(reader.ReadRows(TestContext.Current.CancellationToken));
        var warning = Assert.Single(diagnostics);
        Assert.Equal(Severity.Warning, warning.Severity);
    }

    [Fact]
    public void Where_without_braces_is_an_expression()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId,region\n" + $"{TempFolder.GroupA},APAC\n{TempFolder.GroupB},EMEA\n");
        var (items, diagnostics) = folder.Render("""
            version: 1
            name: w
            actions:
              - name: a
                type: Poll
                targets: { file: groups.csv, where: "row.region == 'EMEA'" }
                body: { question: q, choices: [x] }
            """);
        Assert.Empty(diagnostics);
        Assert.Equal(TempFolder.GroupB, Assert.Single(items).GroupId);
    }
}

public sealed class CsvQuotingEdgeTests
{
    [Fact]
    public void An_unterminated_quote_is_reported_at_its_row()
    {
        using var folder = new TempFolder();
        folder.Write("g.csv", $"groupId,site\n{TempFolder.GroupA},a\n{TempFolder.GroupB},\"never closed\n{TempFolder.GroupC},c\n");
        var diagnostics = new List<Diagnostic>();
        using var reader = CsvTargetReader.Open(new TargetsDefinition(Path.Combine(folder.Path, "g.csv"), "g.csv", "groupId", null, null, new SourceLocation("run.yaml")), diagnostics.Add)!;
        var rows = reader.ReadRows(TestContext.Current.CancellationToken).ToList();
        Assert.Equal([1L], rows.Select(r => r.Row));
        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.CsvQuoting, error.Code);
        Assert.Equal((2L, 3), (error.Location.Row!.Value, error.Location.Line!.Value));
        Assert.Contains("never closed", error.Message, StringComparison.Ordinal);
    }
}
