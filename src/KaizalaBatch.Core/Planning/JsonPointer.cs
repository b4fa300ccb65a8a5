using System.Text.Json.Nodes;
using KaizalaBatch.Actions;

namespace KaizalaBatch.Planning;

/// <summary>JSON Pointers (RFC 6901) into an actionBody, as <see cref="MediaFile.JsonPath"/> holds them.</summary>
public static class JsonPointer
{
    /// <summary>The node <paramref name="pointer"/> names inside <paramref name="root"/>, or null.</summary>
    public static JsonNode? Resolve(JsonNode root, string pointer)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(pointer);
        JsonNode? current = root;
        if (pointer.Length == 0)
        {
            return current;
        }
        foreach (var raw in pointer[1..].Split('/'))
        {
            current = Child(current, Unescape(raw));
            if (current is null)
            {
                return null;
            }
        }
        return current;
    }

    /// <summary>Puts <paramref name="value"/> where <paramref name="pointer"/> points; the place must exist.</summary>
    public static void Replace(JsonNode root, string pointer, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        var cut = pointer.LastIndexOf('/');
        var parent = cut < 0 ? null : Resolve(root, pointer[..cut]);
        var last = cut < 0 ? "" : Unescape(pointer[(cut + 1)..]);
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(last):
                obj[last] = value;
                break;
            case JsonArray array when int.TryParse(last, out var index) && index >= 0 && index < array.Count:
                array[index] = value;
                break;
            default:
                throw new ArgumentException($"The path {pointer} does not exist in the body.", nameof(pointer));
        }
    }

    private static JsonNode? Child(JsonNode? node, string segment) => node switch
    {
        JsonObject obj => obj.TryGetPropertyValue(segment, out var child) ? child : null,
        JsonArray array when int.TryParse(segment, out var index) && index >= 0 && index < array.Count => array[index],
        _ => null,
    };

    /// <summary>One object key or array index as a pointer segment: <c>~</c> becomes <c>~0</c>, <c>/</c> becomes <c>~1</c>.</summary>
    public static string Escape(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        return segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
    }

    private static string Unescape(string segment) =>
        segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
}
