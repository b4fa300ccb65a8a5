using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Core.Tests;

/// <summary>SchemaReader reads only the keywords runner.schema.json uses, and the forms of them the validator judges; a
/// schema edit that needs more must fail here instead of being ignored. (That it judges as NJsonSchema did:
/// SchemaCheckReferenceTests.)</summary>
public sealed class SchemaReaderTests
{
    [Fact]
    public void Reads_the_schema()
    {
        var root = SchemaReader.Read(RunFileLoader.SchemaJson, out var definitions);
        Assert.Contains(root.Properties, p => p.Key == "actions");
        Assert.Contains("surveyBody", definitions.Keys);
        Assert.False(root.AllowAdditionalProperties);
    }

    [Theory]
    [InlineData("""{ "type": "object", "maxLength": 3 }""", "maxLength")]
    [InlineData("""{ "type": ["string", "null"] }""", "null")]
    [InlineData("""{ "additionalProperties": { "type": "string" } }""", "additionalProperties")]
    [InlineData("""{ "enum": [ null ] }""", "Null")]
    public void Refuses_a_keyword_or_form_it_does_not_read(string schema, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => SchemaReader.Read(schema, out _));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
