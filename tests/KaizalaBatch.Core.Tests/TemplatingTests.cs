using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Targets;
using KaizalaBatch.Templating;

namespace KaizalaBatch.Core.Tests;

public sealed class TemplatingTests
{
    private static readonly CsvColumns Columns = new(["groupId", "site", "Store Name", "dueHours", "phones", "region"]);

    private static TargetRow Row(long number, params string[] values) => new(number, number + 1, Columns, values);

    private static readonly TargetRow Pune = Row(1, TempFolder.GroupA, "Pune", "Kothrud Store", "48", "98450 12345; +91 98450 54321", "APAC");

    private static StringToken Text(string value, int line = 10, int column = 12) => new(value, new SourceLocation("run.yaml", line, column), line, column);

    private static (TemplateScope Scope, List<Diagnostic> Errors) Scope(TargetGroup? group = null, long index = 0, MappingToken? vars = null, string? countryCode = "+91")
    {
        var scope = new TemplateScope(new TemplateGlobals("q3-run", new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero), vars, countryCode));
        var errors = new List<Diagnostic>();
        scope.Begin(group ?? new TargetGroup(Pune, [Pune], false), index, errors, new SourceLocation("groups.csv", 2, Row: 1), "action 'a', groups.csv row 1");
        return (scope, errors);
    }

    private static TemplateValue Compile(string text, List<Diagnostic>? diagnostics = null)
    {
        diagnostics ??= [];
        var value = new TemplateCompiler(diagnostics).CompileString(Text(text));
        Assert.True(value is not null, string.Join("\n", diagnostics));
        return value!;
    }

    private static JsonNode? Render(string text, TargetGroup? group = null, long index = 0)
    {
        var (scope, errors) = Scope(group, index);
        var node = scope.Render(Compile(text), out var failed);
        Assert.False(failed, string.Join("\n", errors));
        return node;
    }

    [Fact]
    public void Strings_without_braces_stay_literal_without_scriban()
    {
        var value = Compile("Hello {world} and } {");
        var constant = Assert.IsType<ConstantValue>(value);
        Assert.Equal("Hello {world} and } {", constant.Value);
        Assert.False(value.IsTemplated);
    }

    [Fact]
    public void A_lone_expression_keeps_numbers()
    {
        Assert.IsType<ExpressionValue>(Compile("{{ 1 + 2 }}"));
        var node = Render("{{ 1 + 2 }}");
        Assert.Equal(3L, node!.GetValue<long>());
        Assert.Equal(2.5, Render("{{ 5 / 2.0 }}")!.GetValue<double>());
    }

    [Fact]
    public void A_lone_expression_keeps_booleans_arrays_and_objects()
    {
        Assert.True(Render("{{ row.region == 'APAC' }}")!.GetValue<bool>());
        Assert.Equal("[1,2,3]", Render("{{ [1, 2, 3] }}")!.ToJsonString());
        Assert.Equal("""{"a":1,"b":"x"}""", Render("{{ { a: 1, b: 'x' } }}")!.ToJsonString());
        Assert.Null(Render("{{ null }}"));
    }

    [Fact]
    public void A_cell_stays_text_even_in_a_lone_expression()
    {
        var node = Render("{{ row.dueHours }}");
        Assert.Equal("48", node!.GetValue<string>());
        Assert.Equal(48L, Render("{{ row.dueHours | string.to_int }}")!.GetValue<long>());
    }

    [Fact]
    public void Any_other_template_renders_as_text()
    {
        Assert.IsType<TextTemplateValue>(Compile("Site: {{ row.site }}"));
        Assert.IsType<TextTemplateValue>(Compile(" {{ 1 }}"));
        Assert.IsType<TextTemplateValue>(Compile("{{ 1 }}{{ 2 }}"));
        Assert.Equal("Site: Pune (3)", Render("Site: {{ row.site }} ({{ 1 + 2 }})")!.GetValue<string>());
        Assert.Equal("12", Render("{{ 1 }}{{ 2 }}")!.GetValue<string>());
    }

    [Fact]
    public void Rendering_twice_with_one_context_does_not_accumulate_output()
    {
        var (scope, errors) = Scope();
        var value = Compile("Site {{ row.site }}");
        Assert.Equal("Site Pune", scope.Render(value, out _)!.GetValue<string>());
        var other = Row(2, TempFolder.GroupB, "Nashik", "", "", "", "EMEA");
        scope.Begin(new TargetGroup(other, [other], false), 1, errors, new SourceLocation("g.csv"), "row 2");
        Assert.Equal("Site Nashik", scope.Render(value, out _)!.GetValue<string>());
    }

    [Fact]
    public void Awkward_headers_are_reachable_by_index()
    {
        Assert.Equal("Kothrud Store", Render("{{ row[\"Store Name\"] }}")!.GetValue<string>());
    }

    [Fact]
    public void Run_vars_and_index_are_visible()
    {
        var vars = new MappingToken([new MappingEntry(Text("quarter"), Text("Q3")), new MappingEntry(Text("n"), new LiteralToken(JsonValue.Create(2L), "2", new SourceLocation("run.yaml")))], new SourceLocation("run.yaml"));
        var (scope, _) = Scope(index: 7, vars: vars);
        Assert.Equal("q3-run 2026-03-01T09:30:00Z Q3 3 7",
            scope.Render(Compile("{{ run.name }} {{ run.startedAt }} {{ vars.quarter }} {{ vars.n + 1 }} {{ index }}"), out _)!.GetValue<string>());
    }

    [Fact]
    public void Rows_holds_every_row_of_a_group()
    {
        var second = Row(5, TempFolder.GroupA, "Pune", "Baner Store", "24", "", "APAC");
        var group = new TargetGroup(Pune, [Pune, second], true);
        Assert.Equal("Kothrud Store|Baner Store|", Render("{{ for r in rows }}{{ r[\"Store Name\"] }}|{{ end }}", group)!.GetValue<string>());
        Assert.Equal(2L, Render("{{ rows.size }}", group)!.GetValue<long>());
    }

    [Fact]
    public void Rows_holds_the_row_itself_without_grouping()
    {
        Assert.Equal(1L, Render("{{ rows.size }}")!.GetValue<long>());
    }

    [Fact]
    public void A_row_as_a_lone_expression_becomes_an_object()
    {
        var node = Render("{{ row }}")!.AsObject();
        Assert.Equal("Pune", node["site"]!.GetValue<string>());
    }

    [Fact]
    public void Phones_splits_and_normalises_a_cell()
    {
        var node = Render("{{ phones row.phones }}");
        Assert.Equal(["+919845012345", "+919845054321"], node!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void Assignments_do_not_leak_into_the_next_row()
    {
        var (scope, errors) = Scope();
        var value = Compile("{{ if counter == null; counter = 0; end; counter = counter + 1; counter }}");
        Assert.Equal("1", scope.Render(value, out _)!.ToString());
        scope.Begin(new TargetGroup(Pune, [Pune], false), 1, errors, new SourceLocation("g.csv"), "row 2");
        Assert.Equal("1", scope.Render(value, out _)!.ToString());
    }

    [Fact]
    public void Include_is_refused()
    {
        var (scope, errors) = Scope();
        var node = scope.Render(Compile("{{ include 'secrets.txt' }}"), out var failed);
        Assert.True(failed);
        Assert.Null(node);
        var error = Assert.Single(errors);
        Assert.Equal(DiagnosticCodes.TemplateRender, error.Code);
        Assert.Contains("not allowed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loops_are_bounded()
    {
        var (scope, errors) = Scope();
        scope.Render(Compile("{{ for i in 1..1000000 }}x{{ end }}"), out var failed);
        Assert.True(failed);
        Assert.Contains("limit", Assert.Single(errors).Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Recursion_is_bounded()
    {
        var (scope, errors) = Scope();
        scope.Render(Compile("{{ func f(x); ret f(x + 1); end; f(1) }}"), out var failed);
        Assert.True(failed);
        Assert.Single(errors);
    }

    [Fact]
    public void A_render_error_names_the_action_file_row_and_template()
    {
        var (scope, errors) = Scope();
        scope.Render(Compile("{{ row.site | string.nosuchfunction }}"), out var failed);
        Assert.True(failed);
        var error = Assert.Single(errors);
        Assert.Equal("groups.csv", error.Location.File);
        Assert.Equal(1, error.Location.Row);
        Assert.Contains("action 'a', groups.csv row 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("run.yaml:10:12", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_syntax_error_points_into_the_run_file()
    {
        var diagnostics = new List<Diagnostic>();
        var value = new TemplateCompiler(diagnostics).CompileString(Text("Hello {{ row.site + }}", line: 7, column: 14));
        Assert.Null(value);
        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.TemplateSyntax, error.Code);
        Assert.Equal(7, error.Location.Line);
        Assert.InRange(error.Location.Column!.Value, 14 + 9, 14 + 22);
    }

    [Fact]
    public void A_syntax_error_on_a_later_line_of_a_block_string_counts_lines()
    {
        var diagnostics = new List<Diagnostic>();
        new TemplateCompiler(diagnostics).CompileString(Text("line one\nline two {{ if }}", line: 3, column: 5));
        Assert.NotEmpty(diagnostics);
        Assert.All(diagnostics, d => Assert.Equal((4, 16), (d.Location.Line!.Value, d.Location.Column!.Value)));
    }

    [Fact]
    public void Templates_are_parsed_once_per_distinct_text()
    {
        var compiler = new TemplateCompiler([]);
        var a = Assert.IsType<TextTemplateValue>(compiler.CompileString(Text("x {{ row.site }}")));
        var b = Assert.IsType<TextTemplateValue>(compiler.CompileString(Text("x {{ row.site }}", line: 20)));
        Assert.Same(a.Template, b.Template);
        Assert.Equal(20, b.Location.Line);
    }

    [Theory]
    [InlineData("{{ false }}", false)]
    [InlineData("{{ null }}", false)]
    [InlineData("{{ '' }}", false)]
    [InlineData("{{ 0 }}", false)]
    [InlineData("{{ 'false' }}", false)]
    [InlineData("{{ true }}", true)]
    [InlineData("{{ row.region == 'APAC' }}", true)]
    [InlineData("{{ row.region == 'EMEA' }}", false)]
    [InlineData("{{ 'yes' }}", true)]
    public void Where_truthiness(string where, bool expected)
    {
        var (scope, _) = Scope();
        Assert.Equal(expected, scope.Test(Compile(where)));
    }
}

public sealed class TemplatingLimitTests
{
    [Fact]
    public void Output_is_bounded()
    {
        var scope = new TemplateScope(new TemplateGlobals("r", DateTimeOffset.UnixEpoch, null, null));
        var errors = new List<Diagnostic>();
        var row = new TargetRow(1, 2, new CsvColumns(["groupId"]), [TempFolder.GroupA]);
        scope.Begin(new TargetGroup(row, [row], false), 0, errors, new SourceLocation("g.csv", 2, Row: 1), "row 1");
        var value = new TemplateCompiler([]).CompileString(new StringToken("{{ for i in 1..5000 }}{{ 'x' | string.pad_left 400 }}{{ end }}", new SourceLocation("run.yaml", 1, 1), 1, 1))!;
        scope.Render(value, out var failed);
        Assert.True(failed);
        Assert.Single(errors);
    }

    [Fact]
    public void A_failed_row_does_not_break_the_next_one()
    {
        var scope = new TemplateScope(new TemplateGlobals("r", DateTimeOffset.UnixEpoch, null, null));
        var errors = new List<Diagnostic>();
        var columns = new CsvColumns(["n"]);
        var value = new TemplateCompiler([]).CompileString(new StringToken("{{ 10 / (row.n | string.to_int) }}", new SourceLocation("run.yaml", 1, 1), 1, 1))!;
        var zero = new TargetRow(1, 2, columns, ["0"]);
        scope.Begin(new TargetGroup(zero, [zero], false), 0, errors, new SourceLocation("g.csv"), "row 1");
        scope.Render(value, out _);
        var two = new TargetRow(2, 3, columns, ["2"]);
        scope.Begin(new TargetGroup(two, [two], false), 1, errors, new SourceLocation("g.csv"), "row 2");
        var node = scope.Render(value, out var failed);
        Assert.False(failed, string.Join("\n", errors));
        Assert.Equal(5.0, node!.GetValue<double>(), 3);
    }
}

public sealed class TemplatingClockTests
{
    [Fact]
    public void Date_now_is_the_run_start_so_output_does_not_drift()
    {
        var scope = new TemplateScope(new TemplateGlobals("r", new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)), null, null));
        var row = new TargetRow(1, 2, new CsvColumns(["groupId"]), [TempFolder.GroupA]);
        scope.Begin(new TargetGroup(row, [row], false), 0, [], new SourceLocation("g.csv"), "row 1");
        var value = new TemplateCompiler([]).CompileString(new StringToken("{{ date.now | date.to_string '%F %T' }}", new SourceLocation("run.yaml", 1, 1), 1, 1))!;
        Assert.Equal("2026-05-06 05:08:09", scope.Render(value, out _)!.GetValue<string>());
    }
}
