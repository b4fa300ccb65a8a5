using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Targets;
using KaizalaBatch.Templating;

namespace KaizalaBatch.Core.Tests;

/// <summary>Strict templates: every name a template reads is checked once, against the CSV header and vars, before
/// any row is rendered.</summary>
public sealed class TemplateCheckerTests
{
    private static readonly CsvColumns Columns = new(["groupId", "site", "Store Name", "region"]);

    private static readonly MappingToken Vars = new(
    [
        new MappingEntry(Key("org"), new StringToken("Contoso", new SourceLocation("run.yaml", 3, 8), 3, 8)),
        new MappingEntry(Key("links"), new MappingToken([new MappingEntry(Key("help"), new StringToken("https://x", new SourceLocation("run.yaml", 5, 11), 5, 11))], new SourceLocation("run.yaml", 5, 5))),
    ], new SourceLocation("run.yaml", 2, 3));

    private static StringToken Key(string name) => new(name, new SourceLocation("run.yaml", 1, 1), 1, 1);

    private static List<Diagnostic> Check(string template, bool grouped = false, int line = 10, int column = 12)
    {
        var compileErrors = new List<Diagnostic>();
        var value = new TemplateCompiler(compileErrors).CompileString(new StringToken(template, new SourceLocation("run.yaml", line, column - 1), line, column));
        Assert.True(value is not null, string.Join("\n", compileErrors));
        var found = new List<Diagnostic>();
        TemplateChecker.Check(value, new TemplateNames("groups.csv", Columns, Vars, grouped), found.Add);
        return found;
    }

    [Theory]
    [InlineData("Check {{ row.site }} in {{ row.region }}")]
    [InlineData("{{ row[\"Store Name\"] | string.upcase }}")]
    [InlineData("{{ row.SITE }}")]
    [InlineData("{{ vars.org }} {{ vars.links.help }} {{ run.name }} {{ run.startedAt }} {{ index + 1 }}")]
    [InlineData("{{ phones row.site }}")]
    [InlineData("{{ x = row.site }}{{ x | string.downcase }}")]
    [InlineData("{{ for r in [1, 2] }}{{ r }}{{ end }}")]
    [InlineData("{{ row.missing ?? \"none\" }}")]
    [InlineData("{{ vars.nothing ?? \"none\" }}")]
    [InlineData("{{ func twice(v); ret v + v; end }}{{ twice row.site }}")]
    [InlineData("{{ date.now | date.to_string '%F' }} {{ math.round 1.5 }} {{ array.size [1] }}")]
    [InlineData("{{ if row.site == empty }}x{{ end }}")]
    public void Names_that_exist_pass(string template) =>
        Assert.Empty(Check(template));

    [Fact]
    public void A_missing_column_is_one_error_at_its_place_with_the_columns_and_a_suggestion()
    {
        var error = Assert.Single(Check("Safety check: {{ row.sitename }} {{ row.sitename }}"));
        Assert.Equal(DiagnosticCodes.TemplateUnknownName, error.Code);
        Assert.Equal(new SourceLocation("run.yaml", 10, 12 + "Safety check: {{ row.".Length), error.Location);
        Assert.Contains("no column 'sitename'", error.Message);
        Assert.Contains("did you mean 'site'?", error.Message);
        Assert.Contains("groupId, site, Store Name, region", error.Message);
    }

    [Fact]
    public void A_missing_column_by_index_is_found()
    {
        var error = Assert.Single(Check("{{ row[\"Store Nam\"] }}"));
        Assert.Contains("did you mean 'Store Name'?", error.Message);
    }

    [Fact]
    public void A_missing_vars_key_names_the_keys()
    {
        var error = Assert.Single(Check("{{ vars.orgg }}"));
        Assert.Contains("vars has no key 'orgg' (did you mean 'org'?); it has org, links", error.Message);
        Assert.Contains("vars.links has no key 'hlp'", Assert.Single(Check("{{ vars.links.hlp }}")).Message);
    }

    [Fact]
    public void Rows_outside_group_by_is_an_error_and_fine_with_it()
    {
        Assert.Contains("groupBy", Assert.Single(Check("{{ rows.size }}")).Message);
        Assert.Empty(Check("{{ for r in rows }}{{ r.site }}{{ end }}", grouped: true));
        Assert.Contains("no column 'sit'", Assert.Single(Check("{{ for r in rows }}{{ r.sit }}{{ end }}", grouped: true)).Message);
    }

    [Theory]
    [InlineData("{{ nosuchfunction row.site }}", "'nosuchfunction' is not a variable or function")]
    [InlineData("{{ row.site | string.upcse }}", "string has no function 'upcse' (did you mean 'upcase'?)")]
    [InlineData("{{ phone row.site }}", "(did you mean 'phones'?)")]
    [InlineData("{{ run.nmae }}", "run has no member 'nmae' (did you mean 'name'?)")]
    [InlineData("{{ include 'secrets.txt' }}", "include is not allowed")]
    public void Unknown_functions_and_members_are_errors(string template, string expected) =>
        Assert.Contains(expected, Assert.Single(Check(template)).Message);

    [Fact]
    public void A_where_expression_is_checked_at_its_place()
    {
        var error = Assert.Single(Check("{{ row.regoin == 'APAC' }}", line: 9, column: 14));
        Assert.Equal(9, error.Location.Line);
        Assert.Equal(14 + "{{ row.".Length, error.Location.Column);
        Assert.Contains("did you mean 'region'?", error.Message);
    }

    [Fact]
    public void The_fallback_renders_the_default_for_a_missing_column()
    {
        var value = new TemplateCompiler([]).CompileString(new StringToken("{{ row.missing ?? \"none\" }}-{{ row.site ?? \"x\" }}", new SourceLocation("run.yaml", 1, 1), 1, 1))!;
        var scope = new TemplateScope(new TemplateGlobals("r", DateTimeOffset.UnixEpoch, null, null));
        var row = new TargetRow(1, 2, Columns, ["g", "Pune", "S", "APAC"]);
        scope.Begin(new TargetGroup(row, [row], false), 0, [], new SourceLocation("groups.csv"), "row 1");
        Assert.Equal("none-Pune", scope.Render(value, out var failed)!.GetValue<string>());
        Assert.False(failed);
        var empty = new TargetRow(2, 3, Columns, ["g", "", "S", "APAC"]);
        scope.Begin(new TargetGroup(empty, [empty], false), 1, [], new SourceLocation("groups.csv"), "row 2");
        Assert.Equal("none-", scope.Render(value, out failed)!.GetValue<string>()); // an empty cell is "", not missing
    }
}
