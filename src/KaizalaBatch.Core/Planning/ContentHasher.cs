using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Actions;

namespace KaizalaBatch.Planning;

/// <summary>The content hash of an item (SPEC section 2): lower-case hex SHA-256 over the group, the action type,
/// the package id, and the canonical JSON of the body and extra. Canonical JSON: object keys sorted by ordinal,
/// no whitespace, integers as integers and other numbers in shortest round-trip form, strings escaped the same way
/// everywhere; a <c>{ "file": ... }</c> media object counts by its file's content hash, not its path. So the hash
/// is the same on every machine and run for the same content, whatever order the keys were written in.
/// Not thread-safe: it reuses its buffer; use one per thread.</summary>
public sealed class ContentHasher
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = true,
    };

    private readonly ArrayBufferWriter<byte> buffer = new(4096);
    private readonly Utf8JsonWriter writer;
    private readonly Dictionary<JsonNode, string> mediaByNode = new(ReferenceEqualityComparer.Instance);
    private readonly List<KeyValuePair<string, JsonNode?>> propertyScratch = [];

    // One native SHA-256 context for the hasher's life: a one-shot HashData creates and frees one per call, which
    // cost as much as hashing a whole rendered body.
    private readonly IncrementalHash sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public ContentHasher() => writer = new Utf8JsonWriter(buffer, WriterOptions);

    public string Compute(string groupId, string actionType, string? packageId, JsonObject? body, JsonObject? extra, IReadOnlyList<MediaFile> media)
    {
        buffer.ResetWrittenCount();
        mediaByNode.Clear();
        for (var i = 0; i < media.Count; i++) // by index: no enumerator to allocate per item
        {
            if (body is not null && JsonPointer.Resolve(body, media[i].JsonPath) is { } node)
            {
                mediaByNode[node] = media[i].ContentHash;
            }
        }
        AppendText(groupId);
        AppendText(actionType);
        AppendText(packageId ?? "");
        writer.Reset(buffer);
        WriteCanonical(body);
        writer.Flush();
        AppendText("");
        writer.Reset(buffer);
        WriteCanonical(extra);
        writer.Flush();
        return HexDigest();
    }

    /// <summary>SHA-256 (lower hex) of one JSON value in the same canonical form: keys sorted, numbers normalised. The
    /// sender compares what it posted with what the read-back lists by this, so key order and 24 versus 24.0 do not matter.</summary>
    public string HashOf(JsonNode? node)
    {
        buffer.ResetWrittenCount();
        mediaByNode.Clear();
        writer.Reset(buffer);
        WriteCanonical(node);
        writer.Flush();
        return HexDigest();
    }

    /// <summary>Lower-case hex SHA-256 of what the buffer holds.</summary>
    private string HexDigest()
    {
        Span<byte> hash = stackalloc byte[32];
        sha256.AppendData(buffer.WrittenSpan);
        sha256.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Writes text and a separator that cannot occur in it (0x00), so that ("ab", "c") and ("a", "bc") differ.</summary>
    private void AppendText(string text)
    {
        var count = Encoding.UTF8.GetByteCount(text);
        var span = buffer.GetSpan(count + 1);
        Encoding.UTF8.GetBytes(text, span);
        span[count] = 0;
        buffer.Advance(count + 1);
    }

    private void WriteCanonical(JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj when mediaByNode.Count > 0 && mediaByNode.TryGetValue(obj, out var mediaHash):
                writer.WriteStartObject();
                writer.WriteString("file-sha256", mediaHash);
                writer.WriteEndObject();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                var start = propertyScratch.Count;
                for (var i = 0; i < obj.Count; i++)
                {
                    propertyScratch.Add(obj.GetAt(i)); // by position: no enumerator to allocate per object
                }
                var count = propertyScratch.Count - start;
                if (count > 1)
                {
                    SortByKey(CollectionsMarshal.AsSpan(propertyScratch).Slice(start, count));
                }
                for (var i = start; i < start + count; i++)
                {
                    writer.WritePropertyName(propertyScratch[i].Key);
                    WriteCanonical(propertyScratch[i].Value);
                }
                propertyScratch.RemoveRange(start, count);
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                for (var i = 0; i < array.Count; i++)
                {
                    WriteCanonical(array[i]);
                }
                writer.WriteEndArray();
                break;
            case JsonValue value:
                WriteValue(value);
                break;
        }
    }

    /// <summary>Sorts an object's properties by ordinal key in place: an insertion sort, since objects are small and
    /// mostly nearly sorted, and List.Sort with a comparer allocates a delegate per call (three a row in the bench's
    /// Survey). Keys within an object are unique, so the order is the one List.Sort gave.</summary>
    private static void SortByKey(Span<KeyValuePair<string, JsonNode?>> properties)
    {
        for (var i = 1; i < properties.Length; i++)
        {
            var current = properties[i];
            var j = i - 1;
            while (j >= 0 && string.CompareOrdinal(properties[j].Key, current.Key) > 0)
            {
                properties[j + 1] = properties[j];
                j--;
            }
            properties[j + 1] = current;
        }
    }

    private void WriteValue(JsonValue value)
    {
        // The kind first: TryGetValue<string> on a number or a boolean boxes it (four a row in the bench's Survey).
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                writer.WriteStringValue(value.TryGetValue<string>(out var text) ? text : value.GetValue<string>());
                break;
            case JsonValueKind.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonValueKind.False:
                writer.WriteBooleanValue(false);
                break;
            case JsonValueKind.Number:
                if (value.TryGetValue<long>(out var l))
                {
                    writer.WriteNumberValue(l);
                }
                else if (value.TryGetValue<int>(out var i))
                {
                    writer.WriteNumberValue((long)i);
                }
                else if (value.TryGetValue<double>(out var d))
                {
                    WriteDouble(d);
                }
                else if (value.TryGetValue<decimal>(out var m))
                {
                    WriteDouble((double)m);
                }
                else
                {
                    var element = value.GetValue<JsonElement>();
                    if (element.TryGetInt64(out var parsed))
                    {
                        writer.WriteNumberValue(parsed);
                    }
                    else
                    {
                        WriteDouble(element.GetDouble());
                    }
                }
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private void WriteDouble(double d)
    {
        if (d == Math.Floor(d) && Math.Abs(d) < 9e15)
        {
            writer.WriteNumberValue((long)d); // 24.0 and 24 are the same content
        }
        else
        {
            writer.WriteNumberValue(d);
        }
    }
}
