using System.Text.Json;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Core.Tests;

public sealed class SchemaTests
{
    [Fact]
    public void The_embedded_schema_is_the_repository_root_file_and_draft_07()
    {
        var root = FindRepositoryRoot();
        var onDisk = File.ReadAllText(Path.Combine(root, "runner.schema.json"));
        Assert.Equal(onDisk, RunFileLoader.SchemaJson);
        using var schema = JsonDocument.Parse(RunFileLoader.SchemaJson);
        Assert.Equal("http://json-schema.org/draft-07/schema#", schema.RootElement.GetProperty("$schema").GetString());
        Assert.False(schema.RootElement.GetProperty("additionalProperties").GetBoolean());
    }

    [Fact]
    public void Every_property_in_the_schema_has_a_description()
    {
        using var schema = JsonDocument.Parse(RunFileLoader.SchemaJson);
        var missing = new List<string>();
        void Walk(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                return;
            }
            if (element.TryGetProperty("properties", out var properties))
            {
                foreach (var property in properties.EnumerateObject())
                {
                    // A $ref is described by the definition it names.
                    if (!property.Value.TryGetProperty("description", out _) && !property.Value.TryGetProperty("$ref", out _))
                    {
                        missing.Add(path + "." + property.Name);
                    }
                    Walk(property.Value, path + "." + property.Name);
                }
            }
            if (element.TryGetProperty("items", out var items))
            {
                Walk(items, path + "[]");
            }
            if (element.TryGetProperty("definitions", out var definitions))
            {
                foreach (var definition in definitions.EnumerateObject())
                {
                    if (!definition.Value.TryGetProperty("description", out _))
                    {
                        missing.Add("definitions." + definition.Name);
                    }
                    Walk(definition.Value, "definitions." + definition.Name);
                }
            }
        }
        Walk(schema.RootElement, "");
        Assert.Empty(missing);
    }

    [Fact]
    public void An_unknown_key_is_reported_at_its_line_and_column()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var result = folder.Load("""
            version: 1
            name: x
            actions:
              - name: a
                type: Job
                targets: { file: groups.csv, groupBy: site, colour: red }
                body: { title: t }
            """);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.Schema, error.Code);
        Assert.True(error.Message.Contains("'colour'", StringComparison.Ordinal), error.ToString());
        Assert.Contains("'colour'", error.Message, StringComparison.Ordinal);
        Assert.Equal((6, 49), (error.Location.Line, error.Location.Column));
    }

    /// <summary>A mediaResource is the string an earlier upload returned or { file }: the string passes, and a typo'd
    /// key in the object is named (NJsonSchema once applied 'required' to the string form too).</summary>
    [Theory]
    [InlineData("\"kzm-image-abc\"", null)]
    [InlineData("{ file: photo.png }", null)]
    [InlineData("{ fil: photo.png }", "'fil' is not a known key in 'actions[0].body.mediaResource' (did you mean 'file'?)")]
    public void A_mediaResource_is_a_string_or_a_file(string value, string? expected)
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        folder.Write("photo.png", "png");
        var result = folder.Load($$"""
            version: 1
            name: x
            actions:
              - name: a
                type: Image
                targets: { file: groups.csv }
                body: { mediaResource: {{value}} }
            """);
        if (expected is null)
        {
            Assert.Empty(result.Diagnostics);
        }
        else
        {
            Assert.Contains(result.Diagnostics, d => d.Message.Contains(expected, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("Job", "{ title: t, assignedTo: [\"+911111111111\"], dueDat: 48 }", "'dueDat' is not a known key in 'actions[0].body' (did you mean 'dueDate'?)", "dueDat")]
    [InlineData("survey", "{ title: t, questions: [ { title: q, typ: Text } ] }", "'typ' is not a known key in 'actions[0].body.questions[0]' (did you mean 'type'?)", "typ")]
    [InlineData("Custom", "{ propertes: [] }", "'propertes' is not a known key in 'actions[0].body' (did you mean 'properties'?)", "propertes")]
    public void An_unknown_body_key_is_reported_at_its_place_with_a_suggestion(string type, string body, string expected, string key)
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var result = folder.Load($$"""
            version: 1
            name: x
            actions:
              - name: a
                type: {{type}}
                {{(type == "Custom" ? "packageId: p\n    " : "")}}targets: { file: groups.csv }
                body: {{body}}
            """);
        var error = Assert.Single(result.Diagnostics);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(type == "Custom" ? 8 : 7, error.Location.Line);
        Assert.Equal("    body: ".Length + 1 + body.IndexOf(key, StringComparison.Ordinal), error.Location.Column);
    }

    [Fact]
    public void Wrong_types_missing_keys_and_enums_are_all_reported_with_locations()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var result = folder.Load("""
            version: 2
            limits:
              perMinute: lots
              concurrency: 0
            actions:
              - name: a
                type: Jobb
                targets: { file: groups.csv }
                body: { title: t }
            """);
        Assert.Null(result.RunFile);
        var errors = result.Diagnostics.Where(d => d.Code == DiagnosticCodes.Schema).ToList();
        Assert.Contains(errors, e => e.Location.Line == 1 && e.Location.Column == 10 && e.Message.Contains("version", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("'name' is required", StringComparison.Ordinal) && e.Location.Line == 1);
        Assert.Contains(errors, e => e.Location.Line == 3 && e.Location.Column == 14 && e.Message.Contains("integer", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Location.Line == 4 && e.Location.Column == 16);
        Assert.Contains(errors, e => e.Location.Line == 7 && e.Location.Column == 11 && e.Message.Contains("Survey", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("survey")]
    [InlineData("SURVEY")]
    [InlineData("LetsMeet")]
    [InlineData("letsmeet")]
    public void Action_types_are_accepted_in_any_case_and_normalised(string type)
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var run = folder.LoadOk($$"""
            version: 1
            name: x
            actions:
              - name: a
                type: {{type}}
                targets: { file: groups.csv }
                body: { title: t }
            """);
        Assert.Equal(type.ToLowerInvariant() == "survey" ? "Survey" : "LetsMeet", run.Actions[0].Type);
    }

    [Fact]
    public void Schema_and_semantic_errors_come_together()
    {
        using var folder = new TempFolder();
        var result = folder.Load("""
            version: 1
            name: x
            surprise: 1
            actions:
              - name: a
                type: Job
                targets: { file: nowhere.csv }
                body: { title: t }
            """);
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.Schema && d.Location.Line == 3);
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.FileMissing && d.Location.Line == 7);
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "runner.schema.json")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("runner.schema.json not found above the test folder");
    }
}
