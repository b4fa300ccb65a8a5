using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace KaizalaBatch.Reports;

/// <summary>A request body taken apart into its shape (objects, their keys in order, arrays of objects and their
/// lengths) and its leaves (the values a template fills in). Two items with the same shape differ only in leaf values,
/// so the preview draws them as one card; the leaves of one shape always come in the same order, which lets a card
/// compare items leaf by leaf.</summary>
/// <remarks>A leaf is a scalar, a list of scalars (a Job's <c>assignedTo</c>: its length varies with the data, and it
/// reads as one value) or a local media file <c>{ "file": ... }</c> (it reads as its path).</remarks>
public sealed class PayloadShape
{
    private PayloadShape(string key, IReadOnlyList<JsonNode?> leaves, IReadOnlyList<string>? pointers)
    {
        Key = key;
        Leaves = leaves;
        Pointers = pointers;
    }

    /// <summary>Equal for two bodies exactly when they have the same shape.</summary>
    public string Key { get; }

    /// <summary>The leaf nodes, in document order (actionBody first, then the request's other fields).</summary>
    public IReadOnlyList<JsonNode?> Leaves { get; }

    /// <summary>Where each leaf stands, when asked for: a JSON Pointer into the actionBody (as
    /// <c>Planning.MediaFile.JsonPath</c> writes them), or <see cref="RequestPrefix"/> and a pointer into the request for
    /// the fields beside the actionBody (a Custom Action's subscribers).</summary>
    public IReadOnlyList<string>? Pointers { get; }

    public const string RequestPrefix = "request ";

    /// <param name="withPointers">Only the first item of a card needs its pointers; the others are compared leaf by leaf.</param>
    public static PayloadShape Of(JsonObject? body, JsonObject? extra, bool withPointers)
    {
        var walk = new Walk(withPointers);
        if (body is null)
        {
            walk.Key.Append('-');
        }
        else
        {
            walk.Node(body, "");
        }
        if (extra is not null)
        {
            walk.Key.Append('|');
            walk.Prefix = RequestPrefix;
            walk.Node(extra, "");
        }
        return new PayloadShape(walk.Key.ToString(), walk.Leaves, walk.Pointers);
    }

    /// <summary>The text a leaf shows: a string as it is, a number or boolean as JSON, a list one value per line, a
    /// media file as its path.</summary>
    public static string Display(JsonNode? leaf) => leaf switch
    {
        null => "null",
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonArray list => string.Join("\n", list.Select(Display)),
        JsonObject media when MediaPath(media) is { } path => path,
        _ => leaf.ToJsonString(),
    };

    /// <summary>The path of a local media file <c>{ "file": ... }</c>, or null when the node is something else.</summary>
    public static string? MediaPath(JsonNode? node) =>
        node is JsonObject { Count: 1 } o && o["file"] is JsonValue file && file.TryGetValue<string>(out var path) ? path : null;

    private sealed class Walk(bool withPointers)
    {
        public StringBuilder Key { get; } = new();

        public List<JsonNode?> Leaves { get; } = [];

        public List<string>? Pointers { get; } = withPointers ? [] : null;

        public string Prefix { get; set; } = "";

        public void Node(JsonNode? node, string pointer)
        {
            switch (node)
            {
                case JsonObject o when MediaPath(o) is null:
                    Key.Append('{');
                    foreach (var (name, child) in o)
                    {
                        // Length-prefixed, so that no key can imitate the punctuation around it.
                        Key.Append(name.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(name);
                        Node(child, Pointers is null ? pointer : pointer + "/" + Escape(name));
                    }
                    Key.Append('}');
                    break;
                case JsonArray a when a.Any(element => element is JsonObject or JsonArray):
                    Key.Append('[');
                    for (var i = 0; i < a.Count; i++)
                    {
                        Node(a[i], Pointers is null ? pointer : pointer + "/" + i.ToString(CultureInfo.InvariantCulture));
                    }
                    Key.Append(']');
                    break;
                default:
                    Key.Append(node switch { JsonArray => 'l', JsonObject => 'f', _ => 'v' });
                    Leaves.Add(node);
                    Pointers?.Add(Prefix + pointer);
                    break;
            }
        }

        private static string Escape(string name) =>
            name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
    }
}
