using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KaizalaBatch.Api;

/// <summary>How an entry of the service's list call reads (actions_get.md); which types can be listed at all is
/// <see cref="Actions.ReadBackIdentity"/>.</summary>
public static class ReadBack
{
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

    /// <summary>A time as the service gives it: epoch seconds (or milliseconds above 10^11), as a number or a text, or ISO 8601.</summary>
    public static DateTimeOffset? ParseTime(JsonNode? node) => Time(node);

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
