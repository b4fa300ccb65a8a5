using System.Text.Json;
using NJsonSchema;

namespace KaizalaBatch.RunFiles;

/// <summary>Builds NJsonSchema's model of <c>runner.schema.json</c> straight from System.Text.Json. NJsonSchema's own
/// reader (Newtonsoft, contracts made by reflection, setters compiled as expressions) took about a quarter of a second
/// the first time in a process: most of a short command's start-up. This reader knows only the keywords the schema
/// uses and refuses any other, so a schema edit that needs one more fails its test instead of being ignored; a test
/// also keeps the model it builds equal to NJsonSchema's (their JSON, compared). <c>if</c>/<c>then</c> are left out:
/// NJsonSchema does not evaluate them, and <see cref="SchemaCheck"/> reads them from the text itself.</summary>
internal static class SchemaReader
{
    public static JsonSchema Read(string text)
    {
        using var document = JsonDocument.Parse(text);
        var rootElement = document.RootElement;
        var root = new JsonSchema();
        // Definitions first, so that each $ref (all of them #/definitions/NAME) finds its target.
        var definitions = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        if (rootElement.TryGetProperty("definitions", out var definitionsElement))
        {
            foreach (var definition in definitionsElement.EnumerateObject())
            {
                definitions[definition.Name] = new JsonSchema();
            }
            foreach (var definition in definitionsElement.EnumerateObject())
            {
                Fill(definitions[definition.Name], definition.Value, definitions);
                root.Definitions[definition.Name] = definitions[definition.Name];
            }
        }
        Fill(root, rootElement, definitions);
        return root;
    }

    private static T Read<T>(JsonElement element, Dictionary<string, JsonSchema> definitions) where T : JsonSchema, new() =>
        Fill(new T(), element, definitions);

    private static T Fill<T>(T schema, JsonElement element, Dictionary<string, JsonSchema> definitions) where T : JsonSchema
    {
        foreach (var keyword in element.EnumerateObject())
        {
            var value = keyword.Value;
            switch (keyword.Name)
            {
                case "definitions" or "if" or "then" or "$id":
                    break; // definitions: read first, by Read; the others: see the summary
                case "$schema":
                    schema.SchemaVersion = value.GetString();
                    break;
                case "title":
                    schema.Title = value.GetString();
                    break;
                case "description":
                    schema.Description = value.GetString();
                    break;
                case "$ref":
                    const string prefix = "#/definitions/";
                    var reference = value.GetString() ?? "";
                    schema.Reference = reference.StartsWith(prefix, StringComparison.Ordinal) && definitions.TryGetValue(reference[prefix.Length..], out var target)
                        ? target
                        : throw new InvalidOperationException($"runner.schema.json: the reference '{reference}' is not to a definition");
                    break;
                case "type":
                    schema.Type = value.ValueKind == JsonValueKind.Array
                        ? value.EnumerateArray().Aggregate(JsonObjectType.None, (type, name) => type | TypeOf(name.GetString()))
                        : TypeOf(value.GetString());
                    break;
                case "properties":
                    foreach (var property in value.EnumerateObject())
                    {
                        schema.Properties[property.Name] = Read<JsonSchemaProperty>(property.Value, definitions);
                    }
                    break;
                case "required":
                    foreach (var name in value.EnumerateArray())
                    {
                        schema.RequiredProperties.Add(name.GetString()!);
                    }
                    break;
                case "additionalProperties":
                    if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        schema.AllowAdditionalProperties = value.GetBoolean();
                    }
                    else
                    {
                        schema.AdditionalPropertiesSchema = Read<JsonSchema>(value, definitions);
                    }
                    break;
                case "items":
                    schema.Item = Read<JsonSchema>(value, definitions);
                    break;
                case "pattern":
                    schema.Pattern = value.GetString();
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
                        schema.Enumeration.Add(ValueOf(item));
                    }
                    break;
                case "anyOf":
                    foreach (var item in value.EnumerateArray())
                    {
                        schema.AnyOf.Add(Read<JsonSchema>(item, definitions));
                    }
                    break;
                case "oneOf":
                    foreach (var item in value.EnumerateArray())
                    {
                        schema.OneOf.Add(Read<JsonSchema>(item, definitions));
                    }
                    break;
                case "allOf":
                    foreach (var item in value.EnumerateArray())
                    {
                        schema.AllOf.Add(Read<JsonSchema>(item, definitions));
                    }
                    break;
                default:
                    throw new InvalidOperationException($"runner.schema.json uses the keyword '{keyword.Name}', which SchemaReader does not read yet");
            }
        }
        return schema;
    }

    private static JsonObjectType TypeOf(string? name) => name switch
    {
        "string" => JsonObjectType.String,
        "integer" => JsonObjectType.Integer,
        "number" => JsonObjectType.Number,
        "boolean" => JsonObjectType.Boolean,
        "object" => JsonObjectType.Object,
        "array" => JsonObjectType.Array,
        "null" => JsonObjectType.Null,
        _ => throw new InvalidOperationException($"runner.schema.json: unknown type '{name}'"),
    };

    /// <summary>An enum value as Newtonsoft gives it for <c>object</c>: a string, a long, a double, a bool or null.</summary>
    private static object? ValueOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number when value.TryGetInt64(out var integer) => integer,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => throw new InvalidOperationException($"runner.schema.json: an enum value of kind {value.ValueKind}"),
    };
}
