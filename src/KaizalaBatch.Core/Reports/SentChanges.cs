using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Reports;

/// <summary>What changed in one item since its group received it.</summary>
/// <param name="Fields">Field by field, the sent actionBody against the one the plan would send; null when the ledger kept
/// no body to compare with (see <paramref name="NotKept"/>). Empty when the body is as sent and what changed lies outside
/// it (the group, a Custom package's request fields).</param>
/// <param name="NotKept">Why there is no diff: the ledger kept no body for it.</param>
public sealed record ItemChanges(string Action, string Key, string GroupId, IReadOnlyList<FieldChange>? Fields, string? NotKept = null);

/// <summary>Reads from the ledger what each changed item was last sent with and compares it with what the plan would send.
/// A media file counts by its content, as the content hash does: where the plan has <c>{ "file": ... }</c> and the ledger
/// holds the mediaResource that file's content was uploaded as, the field has not changed; any other file shows as
/// changed, with the old mediaResource and the new file.</summary>
public sealed class SentChanges(ILedger ledger)
{
    public const string NoBodyKept =
        "the ledger kept no body for it (keepPayloads: false, or sent by a version that kept none): only its content hash says it changed";

    public ItemChanges For(RenderedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var sent = ledger.FindSentBody(item.Action, item.Key) is { } json ? Parse(json) : null;
        if (sent is null)
        {
            return new ItemChanges(item.Action, item.Key, item.GroupId, null, NoBodyKept);
        }
        var planned = item.Body?.DeepClone();
        if (planned is not null)
        {
            foreach (var file in item.Media)
            {
                if (JsonPointer.Resolve(sent, file.JsonPath) is JsonValue { } value
                    && value.GetValueKind() == JsonValueKind.String
                    && ledger.FindMedia(file.ContentHash) is { } uploaded
                    && value.GetValue<string>() == uploaded.MediaResource)
                {
                    JsonPointer.Replace(planned, file.JsonPath, JsonValue.Create(uploaded.MediaResource));
                }
            }
        }
        return new ItemChanges(item.Action, item.Key, item.GroupId, BodyDiff.Compare(sent, planned));
    }

    private static JsonNode? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null; // a damaged value says "not kept", it does not stop the plan
        }
    }
}
