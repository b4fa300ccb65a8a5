using System.Text.Encodings.Web;
using System.Text.Json;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Reports;

/// <summary>Streams the plan as one JSON document: every item (action, key, group, state, payload, errors, and for a
/// changed item what changed since it was sent) as it is classified, then the counts. Memory stays flat however many
/// items there are.</summary>
public sealed class PlanJsonWriter : IDisposable
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Stream stream;
    private readonly Utf8JsonWriter writer;

    public PlanJsonWriter(Stream stream, string runName)
    {
        this.stream = stream;
        writer = new Utf8JsonWriter(stream, Options);
        writer.WriteStartObject();
        writer.WriteString("run", runName);
        writer.WriteStartArray("items");
    }

    /// <param name="changes">For a changed item: what changed since it was sent (<see cref="SentChanges"/>).</param>
    public void Write(PlannedItem planned, ItemChanges? changes = null)
    {
        ArgumentNullException.ThrowIfNull(planned);
        var item = planned.Item;
        writer.WriteStartObject();
        writer.WriteString("action", item.Action);
        writer.WriteString("key", item.Key);
        writer.WriteString("groupId", item.GroupId);
        writer.WriteString("actionType", item.ActionType);
        if (item.PackageId is not null)
        {
            writer.WriteString("packageId", item.PackageId);
        }
        writer.WriteString("state", PlanText.Of(planned.Category));
        writer.WriteBoolean("send", planned.Send);
        writer.WriteString("contentHash", item.ContentHash);
        writer.WriteStartArray("rows");
        foreach (var row in item.Rows)
        {
            writer.WriteNumberValue(row);
        }
        writer.WriteEndArray();
        if (item.Body is { } body)
        {
            writer.WritePropertyName("payload");
            item.ToRequest(body).WriteTo(writer);
        }
        if (changes is not null)
        {
            WriteChanges(changes);
        }
        writer.WriteStartArray("errors");
        foreach (var error in item.Errors)
        {
            writer.WriteStartObject();
            writer.WriteString("code", error.Code);
            writer.WriteString("message", error.Message);
            writer.WriteString("at", error.Location.ToString());
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        if (writer.BytesPending > 1 << 16)
        {
            writer.Flush();
        }
    }

    /// <summary><c>"changes": [{ path, change, before, after }]</c>, or <c>"changesUnknown"</c> with the reason.</summary>
    private void WriteChanges(ItemChanges changes)
    {
        if (changes.Fields is not { } fields)
        {
            writer.WriteString("changesUnknown", changes.NotKept);
            return;
        }
        writer.WriteStartArray("changes");
        foreach (var field in fields)
        {
            writer.WriteStartObject();
            writer.WriteString("path", field.Path);
            writer.WriteString("change", field.Kind switch
            {
                FieldChangeKind.Added => "added",
                FieldChangeKind.Removed => "removed",
                _ => "changed",
            });
            if (field.Kind != FieldChangeKind.Added)
            {
                writer.WritePropertyName("before");
                WriteValue(field.Before);
            }
            if (field.Kind != FieldChangeKind.Removed)
            {
                writer.WritePropertyName("after");
                WriteValue(field.After);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private void WriteValue(System.Text.Json.Nodes.JsonNode? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            value.WriteTo(writer);
        }
    }

    /// <summary>Closes the item list and writes the counts per action.</summary>
    public void Complete(IReadOnlyList<KeyValuePair<string, PlanCounts>> counts, int inputErrors)
    {
        ArgumentNullException.ThrowIfNull(counts);
        writer.WriteEndArray();
        writer.WriteStartObject("summary");
        foreach (var (action, c) in counts)
        {
            writer.WriteStartObject(action);
            foreach (var category in Enum.GetValues<PlanCategory>())
            {
                writer.WriteNumber(PlanText.Of(category), c[category]);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteNumber("inputErrors", inputErrors);
        writer.WriteEndObject();
        writer.Flush();
    }

    public void Dispose()
    {
        writer.Dispose();
        stream.Dispose();
    }
}

/// <summary>The user's words for plan categories, as SPEC section 3 names them.</summary>
public static class PlanText
{
    public static string Of(PlanCategory category) => category switch
    {
        PlanCategory.New => "new",
        PlanCategory.Unchanged => "unchanged",
        PlanCategory.Changed => "changed",
        PlanCategory.Retry => "retry",
        PlanCategory.InDoubt => "in-doubt",
        PlanCategory.Invalid => "invalid",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };
}
