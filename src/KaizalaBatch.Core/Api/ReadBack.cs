using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KaizalaBatch.Api;

/// <summary>
/// What the service's read-back can tell (actions_get.md, actions.md): which types it lists at all, and how a listed entry
/// reads. A lost post can be found again only by what the summary carries: type, title (a Poll's question), sender and
/// creation time.
/// </summary>
public static class ReadBack
{
    /// <summary>The types actions.md marks "GET: Yes" among those one can post. Audio, Document and Announcement are
    /// marked "No"; Album, Video and Action packages are not in the table and are treated as not listable.</summary>
    public static readonly IReadOnlyList<string> ListableTypes = ["Image", "Job", "Survey", "LetsMeet", "Poll"];

    private static readonly HashSet<string> Listable = new(ListableTypes, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the service can list Actions of this type (a built-in type name; a package id is never listable).</summary>
    public static bool IsListable(string actionTypeOrPackageId) => Listable.Contains(actionTypeOrPackageId);

    /// <summary>The name a read-back summary carries for a body being sent: its title, or a Poll's question; null for a type whose
    /// summary has none (Image).</summary>
    public static string? TitleOf(string actionType, JsonNode? actionBody) =>
        actionBody is not JsonObject body ? null
        : string.Equals(actionType, "Poll", StringComparison.OrdinalIgnoreCase) ? (string?)body["question"]
        : string.Equals(actionType, "Image", StringComparison.OrdinalIgnoreCase) ? null
        : body["title"]?.GetValueKind() == JsonValueKind.String ? (string?)body["title"] : null;

    /// <summary>Reads one entry of a list answer. creationTime is epoch seconds in the samples (a value above 10^11 is taken as
    /// milliseconds); one sample gives an ISO <c>sentAt</c> instead. actionId sits inside the summary, or at the top.</summary>
    public static ReadBackAction Parse(JsonObject item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var body = item["actionBody"]?.DeepClone();
        var actionId = (body as JsonObject)?["actionId"] ?? item["actionId"];
        return new ReadBackAction(
            Text(item["referenceId"]), Text(actionId), Text(item["actionType"]), Text(item["sender"]),
            Time(item["creationTime"]) ?? Time(item["sentAt"]), body);
    }

    private static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? (string?)node : null;

    private const long MillisecondsAbove = 100_000_000_000;

    private static DateTimeOffset? Time(JsonNode? node)
    {
        switch (node?.GetValueKind())
        {
            case JsonValueKind.Number:
                return FromEpoch(node.AsValue().TryGetValue<long>(out var n) ? n : (long)node.GetValue<double>());
            case JsonValueKind.String:
                var text = (string)node!;
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch))
                {
                    return FromEpoch(epoch);
                }
                return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
                    ? at
                    : null;
            default:
                return null;
        }
    }

    private static DateTimeOffset FromEpoch(long value) =>
        value > MillisecondsAbove ? DateTimeOffset.FromUnixTimeMilliseconds(value) : DateTimeOffset.FromUnixTimeSeconds(value);
}
