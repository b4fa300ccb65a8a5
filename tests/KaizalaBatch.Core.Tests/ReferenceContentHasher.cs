using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Actions;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Core.Tests;

/// <summary>ContentHasher as it was before the plan path was made faster (commit aadf2b9), kept verbatim as the
/// reference the property tests compare the current one with: existing ledgers hold hashes made by this code.</summary>
/// <remarks>The content hash of an item (SPEC section 2): lower-case hex SHA-256 over the group, the action type,
/// the package id, and the canonical JSON of the body and extra. Canonical JSON: object keys sorted by ordinal,
/// no whitespace, integers as integers and other numbers in shortest round-trip form, strings escaped the same way
/// everywhere; a <c>{ "file": ... }</c> media object counts by its file's content hash, not its path. So the hash
/// is the same on every machine and run for the same content, whatever order the keys were written in.
/// Not thread-safe: it reuses its buffer; use one per thread.</remarks>
internal sealed class ReferenceContentHasher
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

    public ReferenceContentHasher() => writer = new Utf8JsonWriter(buffer, WriterOptions);

    public string Compute(string groupId, string actionType, string? packageId, JsonObject? body, JsonObject? extra, IReadOnlyList<MediaFile> media)
    {
        buffer.ResetWrittenCount();
        mediaByNode.Clear();
        foreach (var file in media)
        {
            if (body is not null && JsonPointer.Resolve(body, file.JsonPath) is { } node)
            {
                mediaByNode[node] = file.ContentHash;
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
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash);
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
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
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
            case JsonObject obj when mediaByNode.TryGetValue(obj, out var mediaHash):
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
                    propertyScratch.Sort(start, count, PropertyOrder.Instance);
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

    private void WriteValue(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                writer.WriteStringValue(value.GetValue<string>());
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

    private sealed class PropertyOrder : IComparer<KeyValuePair<string, JsonNode?>>
    {
        public static readonly PropertyOrder Instance = new();

        public int Compare(KeyValuePair<string, JsonNode?> x, KeyValuePair<string, JsonNode?> y) => string.CompareOrdinal(x.Key, y.Key);
    }
}
