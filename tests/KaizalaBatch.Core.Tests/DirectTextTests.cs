using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Targets;
using KaizalaBatch.Templating;

namespace KaizalaBatch.Core.Tests;

/// <summary>Text templates made of text and expressions are rendered without Scriban's page evaluation (for speed); they
/// must give what Scriban gives, and fail with the same messages: templates of every kind, rendered both ways over rows
/// of every kind.</summary>
public sealed class DirectTextTests
{
    private static readonly CsvColumns Columns = new(["groupId", "site", "Store Name", "dueHours", "phones", "region"]);

    private static readonly string[] Templates =
    [
        "Is the fire exit at {{ row.site }} clear?",
        "{{ vars.quarter }} safety check: {{ row.site }}",
        "Confirm the contacts: {{ phones row.phones | array.join ', ' }}",
        "{{ phones(row.phones) | array.join '; ' }}|{{ phones row['Store Name'] | array.join '' }}|{{ phones row.dueHours | array.join ' / ' }}",
        "{{ phones row.missing | array.join ', ' }}{{ phones row.site | array.join ', ' }}{{ phones row.phones | array.join ', ' | string.upcase }}",
        "{{ phones row.phones | array.join 1 }} {{ phones row.phones | array.join }}",
        "{{ row.site }}{{ row.region }}",
        "due {{ row.dueHours | string.to_int + 1 }} hours, {{ row.dueHours | string.to_int / 7.0 }} weeks",
        "flag {{ row.region == 'APAC' }} {{ null }} {{ row.missing }} end",
        "list {{ [1, 'a', true, null] }} obj {{ {a: 1} }} row {{ row }}",
        "{{ row['Store Name'] | string.upcase }} / {{ index }} / {{ run.name }} {{ run.startedAt }}",
        "  {{ row.site }}\n  {{ row.region }}",
        "A\n{{ row.site }}\nB {{- row.region -}} C",
        "{{ x = 1 }}{{ x }} {{ row.site }}",
        "{% raw %}{{ not }}{% endraw %} {{ row.site }}",
        "{{ if row.region == 'APAC' }}east{{ else }}west{{ end }} {{ row.site }}",
        "{{ for p in (phones row.phones) }}{{ p }};{{ end }}",
        "{{ row.site | string.slice 1 3 }} {{ date.now | date.to_string '%Y' }}",
        "broken {{ row.site | math.round }} here",
        "broken {{ 1 / 0 }} here",
        "broken {{ row.site.nothing.deeper }} here",
        "{{ row.dueHours * 1000000 }}{{ row.dueHours + 0.5 }}",
        "tab\there {{ row.site }} \"quoted\" {{ '\\n' }} end",
    ];

    private static readonly string[][] Rows =
    [
        [TempFolder.GroupA, "Pune", "Kothrud Store", "48", "98450 12345; +91 98450 54321", "APAC"],
        [TempFolder.GroupB, "", "", "", "", ""],
        [TempFolder.GroupA, "Line\nbreak", "  spaced  ", "x", "+1 555 0100,+44 20 7946 0000|0091 98450 12345", "AMER"],
        [TempFolder.GroupB, "é ü 😀 {{ not a template }}", "<b>", "-3", "n/a", "apac"],
    ];

    [Fact]
    public void Renders_what_Scriban_renders_and_fails_as_Scriban_fails()
    {
        var vars = (MappingToken)YamlTokenReader.Read("run.yaml", "quarter: Q3\nowner: Facilities team\n", [])!;
        var globals = new TemplateGlobals("q3-run", new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero), vars, "+91");
        var direct = new TemplateScope(globals);
        var scriban = new TemplateScope(globals) { DirectText = false };
        var compared = 0;
        foreach (var text in Templates)
        {
            var diagnostics = new List<Diagnostic>();
            var value = new TemplateCompiler(diagnostics).CompileString(new StringToken(text, new SourceLocation("run.yaml", 10, 12), 10, 12));
            Assert.True(value is not null, text + ": " + string.Join("\n", diagnostics));
            for (var i = 0; i < Rows.Length; i++)
            {
                var row = new TargetRow(i + 1, i + 2, Columns, Rows[i]);
                var (expected, expectedErrors) = Render(scriban, value!, row, i);
                var (actual, actualErrors) = Render(direct, value!, row, i);
                Assert.Equal(expected, actual);
                Assert.Equal(expectedErrors, actualErrors);
                compared++;
            }
        }
        Assert.Equal(Templates.Length * Rows.Length, compared);
    }

    [Fact]
    public void Simple_templates_are_the_ones_rendered_directly()
    {
        Assert.NotNull(TemplateScope.DirectParts(Scriban.Template.Parse("Is {{ row.site }} clear? {{ phones row.p | array.join ', ' }}")));
        Assert.Contains(TemplateScope.DirectParts(Scriban.Template.Parse("{{ phones row.p | array.join ', ' }}"))!, part => part.GetType().Name == "PhonesJoinedPart");
        Assert.DoesNotContain(TemplateScope.DirectParts(Scriban.Template.Parse("{{ phones row.p | array.join sep }}"))!, part => part.GetType().Name == "PhonesJoinedPart");
        Assert.Null(TemplateScope.DirectParts(Scriban.Template.Parse("{{ x = 1 }}{{ x }}")));
        Assert.Null(TemplateScope.DirectParts(Scriban.Template.Parse("{{ if a }}b{{ end }}")));
        Assert.Null(TemplateScope.DirectParts(Scriban.Template.Parse("  {{ row.site }}")));
    }

    private static (string? Text, string Errors) Render(TemplateScope scope, TemplateValue value, TargetRow row, long index)
    {
        var errors = new List<Diagnostic>();
        scope.Begin(new TargetGroup(row, [row], false), index, errors, new SourceLocation("groups.csv", (int)row.Line, Row: row.Row), $"action 'a', groups.csv row {row.Row}");
        var node = scope.Render(value, out var failed);
        return (failed ? null : node is null ? "null" : node.ToJsonString(), string.Join("\n", errors.Select(e => $"{e.Code} {e.Location} {e.Message}")));
    }
}
