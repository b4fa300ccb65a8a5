using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using KaizalaBatch.RunFiles;
using YamlDotNet.RepresentationModel;

namespace KaizalaBatch.Core.Tests;

/// <summary>runner.schema.json judged by a second JSON Schema implementation (JsonSchema.Net, not the validator the
/// runner uses), which evaluates draft-07 if/then as an editor's language server does: every example passes, and a
/// misspelled body key of each kind is refused.</summary>
public sealed class IndependentSchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(RunFileLoader.SchemaJson, new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot(), "examples"), "run.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryRoot(), file));
        }
        return data;
    }

    [Fact]
    public void There_are_examples_to_check() =>
        Assert.True(Examples().Count >= 4);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_is_valid(string example)
    {
        var results = Evaluate(File.ReadAllText(Path.Combine(RepositoryRoot(), example)));
        Assert.True(results.IsValid, Describe(results));
    }

    [Theory]
    [InlineData("Job", "title: t\n      assignedTo: [\"+911111111111\"]\n      dueDat: 48", "/actions/0/body/dueDat")]
    [InlineData("Survey", "title: t\n      questions: [ { title: q, typ: Text } ]", "/actions/0/body/questions/0/typ")]
    [InlineData("Survey", "title: t\n      questions: [ { title: q, type: SingleOption, options: [ { title: a, titel: b } ] } ]", "/actions/0/body/questions/0/options/0/titel")]
    [InlineData("Poll", "question: q\n      choices: [ a, b ]\n      expiryInHour: 4", "/actions/0/body/expiryInHour")]
    [InlineData("Announcement", "title: t\n      message: m\n      mediaResource: x", "/actions/0/body/mediaResource")]
    [InlineData("letsmeet", "title: t\n      startingTime: \"2026-03-01T10:00:00Z\"\n      place: { latitude: 1, longitude: 2, nam: x }", "/actions/0/body/place/nam")]
    [InlineData("Image", "mediaResource: { file: a.png, fil: b }", "/actions/0/body/mediaResource/fil")]
    [InlineData("Video", "mediaResource: x\n      captions: y", "/actions/0/body/captions")]
    public void A_typo_in_a_body_key_is_refused(string type, string body, string key)
    {
        var results = Evaluate(Run(type, body));
        Assert.False(results.IsValid);
        Assert.True(Flatten(results).Any(r => !r.IsValid && r.InstanceLocation.ToString() == key && r.Errors is { Count: > 0 }), Describe(results));
    }

    [Theory]
    [InlineData("Announcement", "Title: t\n      Message: m\n      MediaResources: [ x ]")]
    [InlineData("LetsMeet", "title: t\n      startingTime: \"2026-03-01T10:00:00Z\"\n      duration: 30")]
    [InlineData("Job", "title: \"{{ row.site }}\"\n      assignedTo: \"{{ phones row.manager }}\"\n      dueDate: \"{{ row.hours }}\"")]
    public void The_documented_spellings_and_template_strings_are_valid(string type, string body)
    {
        var results = Evaluate(Run(type, body));
        Assert.True(results.IsValid, Describe(results));
    }

    private static string Run(string type, string body) => $"""
        version: 1
        name: x
        actions:
          - name: a
            type: {type}
            targets: {"{"} file: groups.csv {"}"}
            body:
              {body}
        """;

    private static EvaluationResults Evaluate(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var json = ToJson(stream.Documents[0].RootNode);
        using var document = JsonDocument.Parse(json?.ToJsonString() ?? "null");
        return Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    /// <summary>YAML as JSON by the YAML 1.2 core schema: plain scalars that spell null, booleans and numbers are those.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar => Plain(scalar.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidOperationException(node.GetType().Name),
    };

    private static JsonNode? Plain(string value)
    {
        if (value is "" or "~" or "null")
        {
            return null;
        }
        if (value is "true" or "false")
        {
            return JsonValue.Create(value == "true");
        }
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && char.IsDigit(value[^1]))
        {
            return JsonValue.Create(number);
        }
        return JsonValue.Create(value);
    }

    private static IEnumerable<EvaluationResults> Flatten(EvaluationResults results) =>
        new[] { results }.Concat((results.Details ?? []).SelectMany(Flatten));

    private static string Describe(EvaluationResults results) =>
        string.Join("\n", Flatten(results).Where(r => r.Errors is { Count: > 0 }).Where(r => !r.Errors!.Values.Any(v => v.Contains("regular expression", StringComparison.Ordinal))).Select(r => $"{r.InstanceLocation}: {string.Join("; ", r.Errors!.Select(e => e.Key + ": " + e.Value))}"));

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "runner.schema.json")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("runner.schema.json not found above the test folder");
    }
}
