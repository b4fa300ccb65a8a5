using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Sending;

/// <summary>The exact request of one item: the actionBody with mediaResource strings in place of its files, the JSON posted,
/// and the hash of the body that the read-back is compared with.</summary>
public sealed record ActionRequest(JsonObject ActionBody, string Json, string BodyHash)
{
    /// <summary>Builds the request body <c>{actionType, actionBody}</c> or <c>{id, actionBody, ...extra}</c>.</summary>
    /// <param name="mediaResources">The mediaResource of each of the item's media files, by content hash.</param>
    public static ActionRequest For(RenderedItem item, IReadOnlyDictionary<string, string> mediaResources)
    {
        ArgumentNullException.ThrowIfNull(item);
        var body = (JsonObject)(item.Body ?? throw new ArgumentException("The item has no body.", nameof(item))).DeepClone();
        foreach (var media in item.Media)
        {
            Replace(body, media.JsonPath, JsonValue.Create(mediaResources[media.ContentHash]));
        }
        var request = new JsonObject();
        if (item.PackageId is { } packageId)
        {
            request["id"] = packageId;
        }
        else
        {
            request["actionType"] = item.ActionType;
        }
        request["actionBody"] = body.DeepClone();
        foreach (var (name, value) in item.Extra ?? [])
        {
            request[name] = value?.DeepClone();
        }
        return new ActionRequest(body, request.ToJsonString(Compact), CanonicalJson.Hash(body));
    }

    private static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Puts <paramref name="value"/> where the JSON Pointer <paramref name="pointer"/> points (the <c>{ "file": ... }</c> object).</summary>
    internal static void Replace(JsonNode root, string pointer, JsonNode? value)
    {
        var parts = pointer.Split('/').Skip(1).Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        if (parts.Length == 0)
        {
            throw new ArgumentException($"A media file cannot stand for the whole body ({pointer}).", nameof(pointer));
        }
        var parent = root;
        foreach (var part in parts[..^1])
        {
            parent = Step(parent, part, pointer);
        }
        switch (parent)
        {
            case JsonObject obj:
                obj[parts[^1]] = value;
                break;
            case JsonArray array when int.TryParse(parts[^1], out var index) && index >= 0 && index < array.Count:
                array[index] = value;
                break;
            default:
                throw new ArgumentException($"The media path {pointer} does not exist in the body.", nameof(pointer));
        }
    }

    private static JsonNode Step(JsonNode node, string part, string pointer) => node switch
    {
        JsonObject obj when obj[part] is { } child => child,
        JsonArray array when int.TryParse(part, out var index) && index >= 0 && index < array.Count && array[index] is { } child => child,
        _ => throw new ArgumentException($"The media path {pointer} does not exist in the body.", nameof(pointer)),
    };
}

/// <summary>A JSON text independent of property order and whitespace, for comparing what was sent with what the read-back lists.</summary>
public static class CanonicalJson
{
    public static string Hash(JsonNode? node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, node);
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var value in array)
                {
                    Write(writer, value);
                }
                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

}

