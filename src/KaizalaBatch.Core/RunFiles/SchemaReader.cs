using System.Text.Json;
using System.Text.RegularExpressions;

namespace KaizalaBatch.RunFiles;

/// <summary>Reads <c>runner.schema.json</c> into <see cref="SchemaNode"/>s straight from System.Text.Json. It knows only the
/// keywords the schema uses and refuses any other (and the forms of them the validator does not judge), so a schema edit
/// that needs one more fails its test instead of being ignored. <c>if</c>/<c>then</c> are left out: the body a type
/// selects is read from the text by <see cref="SchemaCheck.BodyDefinitions"/>.</summary>
internal static class SchemaReader
{
    public static SchemaNode Read(string text, out Dictionary<string, SchemaNode> definitions)
    {
        using var document = JsonDocument.Parse(text);
        var rootElement = document.RootElement;
        // Definitions first, so that each $ref (all of them #/definitions/NAME) finds its target.
        definitions = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
        if (rootElement.TryGetProperty("definitions", out var definitionsElement))
        {
            foreach (var definition in definitionsElement.EnumerateObject())
            {
                definitions[definition.Name] = new SchemaNode();
            }
            foreach (var definition in definitionsElement.EnumerateObject())
            {
                Fill(definitions[definition.Name], definition.Value, definitions);
            }
        }
        return Fill(new SchemaNode(), rootElement, definitions);
    }

    private static SchemaNode Read(JsonElement element, Dictionary<string, SchemaNode> definitions) =>
        Fill(new SchemaNode(), element, definitions);

    private static SchemaNode Fill(SchemaNode schema, JsonElement element, Dictionary<string, SchemaNode> definitions)
    {
        foreach (var keyword in element.EnumerateObject())
        {
            var value = keyword.Value;
            switch (keyword.Name)
            {
                case "definitions" or "if" or "then" or "$id" or "$schema" or "title" or "description":
                    break; // definitions: read first, by Read; if/then: see the summary; the rest say nothing to a validator
                case "$ref":
                    const string prefix = "#/definitions/";
                    var reference = value.GetString() ?? "";
                    schema.Reference = reference.StartsWith(prefix, StringComparison.Ordinal) && definitions.TryGetValue(reference[prefix.Length..], out var target)
                        ? target
                        : throw Unsupported($"the reference '{reference}' is not to a definition");
                    break;
                case "type":
                    if (value.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var name in value.EnumerateArray())
                        {
                            schema.Types |= TypeOf(name.GetString());
                        }
                    }
                    else
                    {
                        schema.Types = TypeOf(value.GetString());
                    }
                    break;
                case "properties":
                    foreach (var property in value.EnumerateObject())
                    {
                        schema.Properties.Add(new(property.Name, Read(property.Value, definitions)));
                    }
                    break;
                case "required":
                    foreach (var name in value.EnumerateArray())
                    {
                        schema.Required.Add(name.GetString()!);
                    }
                    break;
                case "additionalProperties":
                    schema.AllowAdditionalProperties = value.ValueKind is JsonValueKind.True or JsonValueKind.False
                        ? value.GetBoolean()
                        : throw Unsupported("additionalProperties is true or false here, never a schema");
                    break;
                case "items":
                    schema.Items = value.ValueKind == JsonValueKind.Object ? Read(value, definitions) : throw Unsupported("items is one schema here, never a list");
                    break;
                case "pattern":
                    // As NJsonSchema matched: .NET's own syntax, no options.
                    schema.Pattern = new Regex(value.GetString()!);
                    break;
                case "minLength":
                    schema.MinLength = value.GetInt32();
                    break;
                case "minItems":
                    schema.MinItems = value.GetInt32();
                    break;
                case "maxItems":
                    schema.MaxItems = value.GetInt32();
                    break;
                case "minimum":
                    schema.Minimum = value.GetDecimal();
                    break;
                case "maximum":
                    schema.Maximum = value.GetDecimal();
                    break;
                case "enum":
                    foreach (var item in value.EnumerateArray())
                    {
                        schema.Enumeration.Add(item.ValueKind == JsonValueKind.String ? item.GetString()!
                            : item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var integer) ? integer
                            : throw Unsupported($"an enum value of kind {item.ValueKind}"));
                    }
                    break;
                case "anyOf":
                    ReadAll(value, schema.AnyOf, definitions);
                    break;
                case "oneOf":
                    ReadAll(value, schema.OneOf, definitions);
                    break;
                case "allOf":
                    ReadAll(value, schema.AllOf, definitions);
                    break;
                default:
                    throw Unsupported($"the keyword '{keyword.Name}', which SchemaReader does not read yet");
            }
        }
        return schema;
    }

    private static void ReadAll(JsonElement array, List<SchemaNode> into, Dictionary<string, SchemaNode> definitions)
    {
        foreach (var item in array.EnumerateArray())
        {
            into.Add(Read(item, definitions));
        }
    }

    private static SchemaTypes TypeOf(string? name) => name switch
    {
        "string" => SchemaTypes.String,
        "integer" => SchemaTypes.Integer,
        "number" => SchemaTypes.Number,
        "boolean" => SchemaTypes.Boolean,
        "object" => SchemaTypes.Object,
        "array" => SchemaTypes.Array,
        // "null" would make values nullable, which the validator does not judge.
        _ => throw Unsupported($"the type '{name}'"),
    };

    private static InvalidOperationException Unsupported(string what) =>
        new($"runner.schema.json uses {what}, which SchemaReader does not read yet");
}
