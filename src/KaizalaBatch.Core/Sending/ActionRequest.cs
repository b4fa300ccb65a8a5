using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Sending;

/// <summary>The exact request of one item: the actionBody with mediaResource strings in place of its files, the JSON posted
/// (UTF-8), and the hash of the body that the read-back is compared with.</summary>
public sealed class ActionRequest
{
    private static readonly JsonWriterOptions Compact = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // One writer and buffer per thread: a request is written in one go, and its bytes are copied out at the end.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly int _bodyStart;
    private readonly int _bodyLength;

    private ActionRequest(JsonObject actionBody, byte[] utf8Json, int bodyStart, int bodyLength, string bodyHash)
    {
        ActionBody = actionBody;
        Utf8Json = utf8Json;
        _bodyStart = bodyStart;
        _bodyLength = bodyLength;
        BodyHash = bodyHash;
    }

    /// <summary>The actionBody as posted. For an item without media files this is the item's own body, not a copy: read it,
    /// never change it.</summary>
    public JsonObject ActionBody { get; }

    /// <summary>The request body, <c>{actionType, actionBody}</c> or <c>{id, actionBody, ...extra}</c>, compact, UTF-8.</summary>
    public byte[] Utf8Json { get; }

    /// <summary>The request body as text.</summary>
    public string Json => Encoding.UTF8.GetString(Utf8Json);

    /// <summary>The canonical hash of the actionBody as posted (<see cref="CanonicalJson"/>).</summary>
    public string BodyHash { get; }

    /// <summary>The actionBody as posted, compact: what the ledger keeps for <c>plan</c> to show what changed. The same bytes
    /// as in the request, not a second serialisation.</summary>
    public string BodyJson => Encoding.UTF8.GetString(Utf8Json, _bodyStart, _bodyLength);

    /// <summary>Builds the request of <paramref name="item"/>, written once: the body tree is copied only when media
    /// resources must be put in place of its files.</summary>
    /// <param name="mediaResources">The mediaResource of each of the item's media files, by content hash.</param>
    public static ActionRequest For(RenderedItem item, IReadOnlyDictionary<string, string> mediaResources)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(mediaResources);
        var body = item.Body ?? throw new ArgumentException("The item has no body.", nameof(item));
        if (item.Media.Count > 0)
        {
            body = (JsonObject)body.DeepClone();
            foreach (var media in item.Media)
            {
                JsonPointer.Replace(body, media.JsonPath, JsonValue.Create(mediaResources[media.ContentHash]));
            }
        }

        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, Compact);
        writer.Reset(buffer);
        writer.WriteStartObject();
        if (item.PackageId is { } packageId)
        {
            writer.WriteString("id", packageId);
        }
        else
        {
            writer.WriteString("actionType", item.ActionType);
        }
        writer.WritePropertyName("actionBody");
        writer.Flush();
        var bodyStart = buffer.WrittenCount;
        body.WriteTo(writer);
        writer.Flush();
        var bodyLength = buffer.WrittenCount - bodyStart;
        foreach (var (name, value) in item.Extra ?? [])
        {
            writer.WritePropertyName(name);
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }
        }
        writer.WriteEndObject();
        writer.Flush();
        return new ActionRequest(body, buffer.WrittenSpan.ToArray(), bodyStart, bodyLength, CanonicalJson.Hash(body));
    }
}

/// <summary>A JSON value's hash independent of property order, whitespace and number spelling, for comparing what was sent
/// with what the read-back lists (the content hash's canonical form).</summary>
public static class CanonicalJson
{
    // A hasher holds a buffer and a native SHA-256 context: one per thread, not one per call.
    [ThreadStatic]
    private static ContentHasher? t_hasher;

    public static string Hash(JsonNode? node) => (t_hasher ??= new ContentHasher()).HashOf(node);
}
