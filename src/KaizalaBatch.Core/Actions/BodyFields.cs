using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Actions;

/// <summary>The closed set of fields of each built-in action type's body, read from <c>runner.schema.json</c>'s body
/// definitions (the run file's <c>body:</c> is checked against them when the file is read; a body rendered from a
/// <c>bodyTemplate</c> file is checked here, item by item).</summary>
public sealed class BodyFields
{
    private readonly JsonElement schema;
    private readonly List<(Regex Type, JsonElement Body)> bodies = [];

    public BodyFields()
    {
        using (var document = JsonDocument.Parse(SchemaCheck.SchemaText))
        {
            schema = document.RootElement.Clone();
        }
        var definitions = schema.GetProperty("definitions");
        foreach (var (type, definition) in SchemaCheck.BodyDefinitions())
        {
            bodies.Add((type, definitions.GetProperty(definition)));
        }
    }

    /// <summary>Each key of <paramref name="body"/> (at any depth) that the type's definition does not know: its path
    /// (<c>actionBody.questions[0]</c>), the key, and the keys known there.</summary>
    public IEnumerable<(string Path, string Key, IReadOnlyList<string> Known)> Unknown(string type, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var definition = bodies.FirstOrDefault(b => b.Type.IsMatch(type)).Body;
        if (definition.ValueKind != JsonValueKind.Object)
        {
            return [];
        }
        var found = new List<(string, string, IReadOnlyList<string>)>();
        Walk(definition, body, "actionBody", found);
        return found;
    }

    private void Walk(JsonElement definition, JsonNode? node, string path, List<(string, string, IReadOnlyList<string>)> found)
    {
        definition = Resolve(definition);
        switch (node)
        {
            case JsonObject obj when definition.TryGetProperty("properties", out var properties):
                var closed = definition.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;
                foreach (var (key, value) in obj)
                {
                    if (properties.TryGetProperty(key, out var property))
                    {
                        Walk(property, value, path + "." + key, found);
                    }
                    else if (closed)
                    {
                        found.Add((path, key, properties.EnumerateObject().Select(p => p.Name).ToList()));
                    }
                }
                break;
            case JsonArray array when definition.TryGetProperty("items", out var items):
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(items, array[i], $"{path}[{i}]", found);
                }
                break;
        }
    }

    private JsonElement Resolve(JsonElement definition) =>
        definition.TryGetProperty("$ref", out var reference) && reference.GetString() is { } text && text.StartsWith("#/definitions/", StringComparison.Ordinal)
            ? schema.GetProperty("definitions").GetProperty(text["#/definitions/".Length..])
            : definition;
}
