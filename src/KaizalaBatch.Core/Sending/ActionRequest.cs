using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Sending;

/// <summary>The exact request of one item: the actionBody with mediaResource strings in place of its files, the JSON posted,
/// and the hash of the body that the read-back is compared with.</summary>
public sealed record ActionRequest(JsonObject ActionBody, string Json, string BodyHash)
{
    /// <summary>The actionBody as posted, compact: what the ledger keeps for <c>plan</c> to show what changed.</summary>
    public string BodyJson => ActionBody.ToJsonString(Compact);

    /// <summary>Builds the request body <c>{actionType, actionBody}</c> or <c>{id, actionBody, ...extra}</c>.</summary>
    /// <param name="mediaResources">The mediaResource of each of the item's media files, by content hash.</param>
    public static ActionRequest For(RenderedItem item, IReadOnlyDictionary<string, string> mediaResources)
    {
        ArgumentNullException.ThrowIfNull(item);
        var body = (JsonObject)(item.Body ?? throw new ArgumentException("The item has no body.", nameof(item))).DeepClone();
        foreach (var media in item.Media)
        {
            JsonPointer.Replace(body, media.JsonPath, JsonValue.Create(mediaResources[media.ContentHash]));
        }
        return new ActionRequest(body, item.ToRequest(body).ToJsonString(Compact), CanonicalJson.Hash(body));
    }

    private static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>A JSON value's hash independent of property order, whitespace and number spelling, for comparing what was sent
/// with what the read-back lists (the content hash's canonical form).</summary>
public static class CanonicalJson
{
    public static string Hash(JsonNode? node) => new ContentHasher().HashOf(node);
}
