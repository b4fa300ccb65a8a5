using System.Text.Json.Nodes;
using KaizalaBatch.RunFiles;
using NJsonSchema;

namespace KaizalaBatch.Core.Tests;

/// <summary>The schema model the run file check uses is read by SchemaReader (for start-up time), not by NJsonSchema's own
/// reader; it must be the same model, or a run file would be judged differently.</summary>
public sealed class SchemaReaderTests
{
    [Fact]
    public async Task Builds_the_model_NJsonSchema_reads_from_the_schema()
    {
        var byNJsonSchema = await JsonSchema.FromJsonAsync(RunFileLoader.SchemaJson, TestContext.Current.CancellationToken);
        var bySchemaReader = SchemaReader.Read(RunFileLoader.SchemaJson);
        // if/then (and $id, an unknown keyword to NJsonSchema) are kept by NJsonSchema as extension data it never validates with.
        Assert.Equal(WithoutExtensions(byNJsonSchema.ToJson()), WithoutExtensions(bySchemaReader.ToJson()));
        Assert.Contains("\"$ref\"", bySchemaReader.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_keyword_it_does_not_read()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SchemaReader.Read("""{ "type": "object", "maxLength": 3 }"""));
        Assert.Contains("maxLength", error.Message, StringComparison.Ordinal);
    }

    private static string WithoutExtensions(string json)
    {
        var node = JsonNode.Parse(json)!;
        void Strip(JsonNode? current)
        {
            switch (current)
            {
                case JsonObject obj:
                    obj.Remove("if");
                    obj.Remove("then");
                    obj.Remove("$id");
                    foreach (var (_, child) in obj.ToList())
                    {
                        Strip(child);
                    }
                    break;
                case JsonArray array:
                    foreach (var child in array)
                    {
                        Strip(child);
                    }
                    break;
            }
        }
        Strip(node);
        return node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }
}
