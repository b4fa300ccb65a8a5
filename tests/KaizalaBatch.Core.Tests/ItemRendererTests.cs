using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Core.Tests;

public sealed class ItemRendererTests
{
    private const string SurveyRun = """
        version: 1
        name: q3
        vars: { quarter: Q3 }
        phoneDefaults: { countryCode: "+91" }
        actions:
          - name: safety
            type: survey
            targets: { file: groups.csv }
            body:
              title: "{{ vars.quarter }} safety check: {{ row.site }}"
              dueDate: "{{ row.dueHours }}"
              questions:
                - { title: "Is the fire exit clear?", type: singleoption, options: [ {title: "Yes"}, {title: "No"} ] }
        """;

    private static string Csv(params string[] lines) => "groupId,site,dueHours\n" + string.Join("\n", lines) + "\n";

    [Fact]
    public void Renders_one_valid_item_per_row()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", Csv($"{TempFolder.GroupA.ToUpperInvariant()},Pune,48", $"{{{TempFolder.GroupB}}},Nashik,"));
        var (items, diagnostics) = folder.Render(SurveyRun);
        Assert.Empty(diagnostics);
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.True(i.IsValid, string.Join("\n", i.Errors)));
        var pune = items[0];
        Assert.Equal(("safety", TempFolder.GroupA, TempFolder.GroupA, "Survey", (string?)null), (pune.Action, pune.Key, pune.GroupId, pune.ActionType, pune.PackageId));
        Assert.Equal("Q3 safety check: Pune", pune.Body!["title"]!.GetValue<string>());
        Assert.Equal(48L, pune.Body["dueDate"]!.GetValue<long>());
        Assert.Equal("SingleOption", pune.Body["questions"]![0]!["type"]!.GetValue<string>());
        Assert.Equal([1L], pune.Rows);
        Assert.Equal(64, pune.ContentHash.Length);
        Assert.Equal(24L, items[1].Body!["dueDate"]!.GetValue<long>()); // empty cell: the documented default
        Assert.Equal(TempFolder.GroupB, items[1].GroupId);
    }

    [Fact]
    public void An_invalid_row_is_an_invalid_item_and_the_others_stay_valid()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", Csv($"{TempFolder.GroupA},Pune,soon", $"not-a-guid,Nashik,5", $"{TempFolder.GroupC},Goa,6"));
        var (items, _) = folder.Render(SurveyRun);
        Assert.Equal(3, items.Count);
        var dueDate = Assert.Single(items[0].Errors);
        Assert.Equal("actionBody.dueDate", dueDate.Location.Field);
        Assert.Equal((1L, 2), (dueDate.Location.Row!.Value, dueDate.Location.Line!.Value));
        Assert.Equal("groups.csv", dueDate.Location.File);
        var group = Assert.Single(items[1].Errors);
        Assert.Equal(DiagnosticCodes.GroupId, group.Code);
        Assert.Equal("groupId", group.Location.Field);
        Assert.True(items[2].IsValid);
    }

    [Fact]
    public void Duplicate_identities_name_both_rows()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", Csv($"{TempFolder.GroupA},Pune,1", $"{TempFolder.GroupB},Nashik,2", $"{TempFolder.GroupA.ToUpperInvariant()},Pune again,3"));
        var (items, fileDiagnostics) = folder.Render(SurveyRun);
        Assert.Equal(2, items.Count);
        Assert.True(items[0].IsValid);
        Assert.True(items[1].IsValid);
        // An input error, not an invalid item: the run as a whole is unusable and sends nothing.
        var error = Assert.Single(fileDiagnostics);
        Assert.Equal(DiagnosticCodes.DuplicateIdentity, error.Code);
        Assert.Contains("row 1 and row 3 (line 4)", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Location.Row);
    }

    [Fact]
    public void A_key_template_sets_the_identity()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", Csv($"{TempFolder.GroupA},Pune,1", $"{TempFolder.GroupA},Nashik,2"));
        var (items, _) = folder.Render(SurveyRun.Replace("    body:", "    key: \"{{ row.groupId }}-{{ row.site | string.downcase }}\"\n    body:"));
        Assert.Equal([$"{TempFolder.GroupA}-pune", $"{TempFolder.GroupA}-nashik"], items.Select(i => i.Key));
        Assert.All(items, i => Assert.True(i.IsValid));
    }

    [Fact]
    public void An_empty_key_is_an_error()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", Csv($"{TempFolder.GroupA},,1"));
        var (items, _) = folder.Render(SurveyRun.Replace("    body:", "    key: \"{{ row.site }}\"\n    body:"));
        Assert.Equal(DiagnosticCodes.KeyEmpty, Assert.Single(items[0].Errors).Code);
    }

    [Fact]
    public void Where_skips_falsy_rows_and_index_counts_items()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId,site,region\n" + $"{TempFolder.GroupA},Pune,APAC\n{TempFolder.GroupB},Paris,EMEA\n{TempFolder.GroupC},Goa,apac\n");
        var (items, diagnostics) = folder.Render("""
            version: 1
            name: w
            actions:
              - name: a
                type: Poll
                targets: { file: groups.csv, where: "{{ (row.region | string.upcase) == 'APAC' }}" }
                body: { question: "{{ index }}: {{ row.site }}", choices: [ "x" ] }
            """);
        Assert.Empty(diagnostics);
        Assert.Equal(["0: Pune", "1: Goa"], items.Select(i => i.Body!["question"]!.GetValue<string>()));
        Assert.Equal([1L, 3L], items.Select(i => i.Rows[0]));
    }

    [Fact]
    public void Group_by_makes_one_item_per_value_with_all_rows()
    {
        using var folder = new TempFolder();
        folder.Write("staff.csv", "groupId,phone,store\n" +
            $"{TempFolder.GroupA},98450 11111,s1\n{TempFolder.GroupB},98450 22222,s2\n{TempFolder.GroupA},98450 33333,s1\n");
        var (items, diagnostics) = folder.Render("""
            version: 1
            name: jobs
            phoneDefaults: { countryCode: "91" }
            actions:
              - name: jobs
                type: Job
                targets: { file: staff.csv, groupBy: store }
                key: "{{ row.store }}"
                body:
                  title: "Job for {{ rows.size }}"
                  assignedTo: "{{ rows | array.map 'phone' | phones }}"
            """);
        Assert.Empty(diagnostics);
        Assert.Equal(2, items.Count);
        Assert.Equal("s1", items[0].Key);
        Assert.Equal([1L, 3L], items[0].Rows);
        Assert.Equal("Job for 2", items[0].Body!["title"]!.GetValue<string>());
        Assert.Equal(["+919845011111", "+919845033333"], items[0].Body!["assignedTo"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.True(items[0].IsValid, string.Join("\n", items[0].Errors));
        Assert.Equal([2L], items[1].Rows);
    }

    [Fact]
    public void Grouped_rows_with_different_group_ids_are_an_error()
    {
        using var folder = new TempFolder();
        folder.Write("staff.csv", "groupId,phone,store\n" + $"{TempFolder.GroupA},+919845011111,s1\n{TempFolder.GroupB},+919845022222,s1\n");
        var (items, _) = folder.Render("""
            version: 1
            name: jobs
            actions:
              - name: jobs
                type: Job
                targets: { file: staff.csv, groupBy: store }
                body: { title: t, assignedTo: "{{ row.phone }}" }
            """);
        var error = Assert.Single(Assert.Single(items).Errors);
        Assert.Equal(DiagnosticCodes.GroupId, error.Code);
        Assert.Equal(2, error.Location.Row);
    }

    [Fact]
    public void Body_template_files_render_json()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", Csv($"{TempFolder.GroupA},Pune,12", $"{TempFolder.GroupB},\"Quote \"\" here\",7"));
        folder.Write("survey.sbn", """
            {
              "title": {{ row.site | object.to_json }},
              "dueDate": {{ row.dueHours }},
              "questions": [ {{ for q in ["A", "B"] }}{ "title": "{{ q }}", "type": "text" }{{ if !for.last }},{{ end }}{{ end }} ]
            }
            """);
        var (items, diagnostics) = folder.Render("""
            version: 1
            name: sbn
            actions:
              - name: s
                type: Survey
                targets: { file: groups.csv }
                bodyTemplate: survey.sbn
            """);
        Assert.Empty(diagnostics);
        Assert.All(items, i => Assert.True(i.IsValid, string.Join("\n", i.Errors)));
        Assert.Equal("Quote \" here", items[1].Body!["title"]!.GetValue<string>());
        Assert.Equal(12L, items[0].Body!["dueDate"]!.GetValue<long>());
        Assert.Equal(["Text", "Text"], items[0].Body!["questions"]!.AsArray().Select(q => q!["type"]!.GetValue<string>()));
    }

    [Fact]
    public void Body_template_json_errors_name_the_file_and_row()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", Csv($"{TempFolder.GroupA},Pune,12", $"{TempFolder.GroupB},Nashik,"));
        folder.Write("bad.sbn", """{ "title": "{{ row.site }}", "dueDate": {{ row.dueHours }} }""");
        var (items, _) = folder.Render("""
            version: 1
            name: sbn
            actions:
              - name: s
                type: Survey
                targets: { file: groups.csv }
                bodyTemplate: bad.sbn
            """);
        Assert.DoesNotContain(items[0].Errors, e => e.Code == DiagnosticCodes.TemplateJson);
        var error = Assert.Single(items[1].Errors);
        Assert.Equal(DiagnosticCodes.TemplateJson, error.Code);
        Assert.Contains("bad.sbn", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Location.Row);
    }

    [Fact]
    public void Template_syntax_errors_are_file_diagnostics_with_run_file_locations()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", Csv($"{TempFolder.GroupA},Pune,12"));
        var (items, diagnostics) = folder.Render(SurveyRun.Replace("safety check: {{ row.site }}", "safety check: {{ row.site ) }}"));
        Assert.Empty(items);
        var error = diagnostics.First();
        Assert.Equal(DiagnosticCodes.TemplateSyntax, error.Code);
        Assert.Equal(10, error.Location.Line);
        Assert.True(error.Location.Column > 14, error.ToString());
    }

    [Fact]
    public void Csv_header_errors_are_file_diagnostics_and_other_actions_still_render()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", Csv($"{TempFolder.GroupA},Pune,12"));
        folder.Write("bad.csv", "group,site\nx,y\n");
        var (items, diagnostics) = folder.Render(SurveyRun + """

              - name: other
                type: Poll
                targets: { file: bad.csv }
                body: { question: q, choices: [a] }
            """);
        Assert.Single(items);
        Assert.Equal(DiagnosticCodes.CsvColumnMissing, Assert.Single(diagnostics).Code);
    }

    [Fact]
    public void Only_renders_the_named_actions()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", Csv($"{TempFolder.GroupA},Pune,12"));
        var run = SurveyRun + """

              - name: other
                type: Poll
                targets: { file: groups.csv }
                body: { question: q, choices: [a] }
            """;
        var (items, diagnostics) = folder.Render(run, new RenderOptions(DateTimeOffset.UnixEpoch) { Only = new HashSet<string> { "other" } });
        Assert.Equal("other", Assert.Single(items).Action);
        Assert.Empty(diagnostics);
        var (none, unknown) = folder.Render(run, new RenderOptions(DateTimeOffset.UnixEpoch) { Only = new HashSet<string> { "typo" } });
        Assert.Empty(none);
        Assert.Contains("'typo'", Assert.Single(unknown).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Media_files_in_a_body_are_listed_on_the_item()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", Csv($"{TempFolder.GroupA},pune,1", $"{TempFolder.GroupB},goa,1"));
        folder.WriteBytes("photos/pune.jpg", [1, 2, 3]);
        var (items, _) = folder.Render("""
            version: 1
            name: m
            actions:
              - name: pics
                type: Image
                targets: { file: groups.csv }
                body: { mediaResource: { file: "photos/{{ row.site }}.jpg" }, caption: "{{ row.site }}" }
            """);
        Assert.True(items[0].IsValid);
        Assert.Equal("/mediaResource", Assert.Single(items[0].Media).JsonPath);
        Assert.Equal("actionBody.mediaResource.file", Assert.Single(items[1].Errors).Location.Field);
    }

    [Fact]
    public void Custom_items_carry_the_package_id_and_extra()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", Csv($"{TempFolder.GroupA},pune,1"));
        var (items, _) = folder.Render("""
            version: 1
            name: c
            actions:
              - name: checkin
                type: Custom
                packageId: com.contoso.checkin.3
                targets: { file: groups.csv }
                body: { properties: [ { name: site, type: text, value: "{{ row.site }}" } ] }
            """);
        var item = Assert.Single(items);
        Assert.True(item.IsValid, string.Join("\n", item.Errors));
        Assert.Equal(("Custom", "com.contoso.checkin.3"), (item.ActionType, item.PackageId));
        Assert.Equal("Text", item.Body!["properties"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Rendering_is_lazy_and_cancellable()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", Csv($"{TempFolder.GroupA},Pune,1", $"{TempFolder.GroupB},Goa,2"));
        var run = folder.LoadOk(SurveyRun);
        using var cancel = new CancellationTokenSource();
        using var items = ItemRenderer.Render(run, new RenderOptions(DateTimeOffset.UnixEpoch), _ => { }, cancel.Token).GetEnumerator();
        Assert.True(items.MoveNext());
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() => items.MoveNext());
    }
}

public sealed class ParallelRenderingTests
{
    [Fact]
    public void Parallel_and_sequential_rendering_give_the_same_items_in_file_order()
    {
        using var folder = new TempFolder();
        var csv = new System.Text.StringBuilder("groupId,site,dueHours\n");
        for (var i = 0; i < 3000; i++)
        {
            var group = i == 2500 ? Guid.Parse(TempFolder.GroupA) : Guid.NewGuid();
            csv.Append(i == 0 ? Guid.Parse(TempFolder.GroupA) : group).Append(",site ").Append(i).Append(',').Append(i % 7 == 0 ? "x" : "12").Append('\n');
        }
        folder.Write("groups.csv", csv.ToString());
        var run = folder.LoadOk("""
            version: 1
            name: par
            actions:
              - name: s
                type: Survey
                targets: { file: groups.csv }
                body: { title: "{{ row.site }} #{{ index }}", dueDate: "{{ row.dueHours }}", questions: [ { title: q, type: text } ] }
            """);
        (List<RenderedItem> Items, List<Diagnostic> Input) RenderWith(int parallelism)
        {
            var input = new List<Diagnostic>();
            var items = ItemRenderer.Render(run, new RenderOptions(DateTimeOffset.UnixEpoch) { Parallelism = parallelism }, input.Add, TestContext.Current.CancellationToken).ToList();
            return (items, input);
        }

        var (sequential, _) = RenderWith(1);
        var (parallel, input) = RenderWith(4);
        Assert.Equal(2999, parallel.Count);
        Assert.Equal(sequential.Select(i => (i.Key, i.ContentHash, i.Errors.Count)), parallel.Select(i => (i.Key, i.ContentHash, i.Errors.Count)));
        Assert.Equal(Enumerable.Range(1, 3000).Where(i => i != 2501).Select(i => (long)i), parallel.Select(i => i.Rows[0]));
        Assert.Equal("site 2999 #2999", parallel[^1].Body!["title"]!.GetValue<string>());
        var duplicate = Assert.Single(input, e => e.Code == DiagnosticCodes.DuplicateIdentity);
        Assert.Contains("row 1 and row 2501 (line 2502)", duplicate.Message, StringComparison.Ordinal);
        Assert.Equal(3000 / 7 + 1, parallel.Count(i => !i.IsValid));
    }
}

public sealed class BodyTemplateFileTests
{
    [Fact]
    public void A_syntax_error_in_a_body_template_file_points_into_that_file()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", $"groupId,site\n{TempFolder.GroupA},Pune\n");
        folder.Write("broken.sbn", "{\n  \"title\": \"{{ row.site | }}\"\n}\n");
        var (items, diagnostics) = folder.Render("""
            version: 1
            name: sbn
            actions:
              - name: s
                type: Announcement
                targets: { file: groups.csv }
                bodyTemplate: broken.sbn
            """);
        Assert.Empty(items);
        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.TemplateSyntax, error.Code);
        Assert.Equal("broken.sbn", error.Location.File);
        Assert.Equal(2, error.Location.Line);
    }
}
