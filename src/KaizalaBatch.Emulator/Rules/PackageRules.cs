using System.Text.Json;

namespace KaizalaBatch.Emulator.Rules;

/// <summary>
/// A custom Action package instance (<c>id</c>): either <c>properties</c> [{name, type, value}],
/// or, for subscribers of a public group, title + validity (hours, integer) with a top-level
/// <c>subscribers</c> phone array and/or <c>sendToAllSubscribers: true</c>.
/// </summary>
internal static class PackageRules
{
    private static readonly string[] PropertyTypes =
        ["Text", "Numeric", "Location", "DateTime", "StringList", "Attachment", "StringSet", "AttachmentList"];

    public static Refusal? Check(JsonElement root, JsonElement body, out IReadOnlyList<string>? subscribers, out bool? sendToAll)
    {
        subscribers = null;
        sendToAll = null;
        if (Fields.OptionalBoolean(root, "sendToAllSubscribers", "") is { } badAll)
        {
            return badAll;
        }

        if (Fields.TryGet(root, "sendToAllSubscribers", out var all))
        {
            sendToAll = all.GetBoolean();
        }

        if (Fields.TryGet(root, "subscribers", out var list))
        {
            if ((Fields.Array(list, "subscribers", 0) ?? Fields.Phones(list, "subscribers")) is { } badSubscribers)
            {
                return badSubscribers;
            }

            subscribers = list.EnumerateArray().Select(p => p.GetString()!).ToArray();
        }

        if (Fields.TryGet(body, "properties", out var properties))
        {
            return CheckProperties(properties, "actionBody.properties");
        }

        if (!Fields.TryGet(body, "title", out _))
        {
            return new Refusal("actionBody.properties", "actionBody.properties is required (or title and validity for subscribers)");
        }

        if (Fields.RequiredText(body, "title", "actionBody", out _) is { } badTitle)
        {
            return badTitle;
        }

        if (!Fields.TryGet(body, "validity", out var validity))
        {
            return new Refusal("actionBody.validity", "actionBody.validity is required with title");
        }

        if (Fields.PositiveInteger(validity, "actionBody.validity", out _) is { } badValidity)
        {
            return badValidity;
        }

        if (sendToAll != true && (subscribers is null || subscribers.Count == 0))
        {
            return new Refusal("subscribers", "subscribers is required (or sendToAllSubscribers: true) with title and validity");
        }

        return null;
    }

    private static Refusal? CheckProperties(JsonElement properties, string at)
    {
        if (Fields.Array(properties, at, 0) is { } notArray)
        {
            return notArray;
        }

        var i = 0;
        foreach (var property in properties.EnumerateArray())
        {
            var itemAt = Fields.At(at, i++);
            if ((Fields.RequireObject(property, itemAt) ?? Fields.RequiredText(property, "name", itemAt, out _)) is { } badName)
            {
                return badName;
            }

            if (Fields.RequiredText(property, "type", itemAt, out var type) is { } badType)
            {
                return badType;
            }

            if (!PropertyTypes.Any(t => string.Equals(t, type, StringComparison.OrdinalIgnoreCase)))
            {
                var typeAt = Fields.At(itemAt, "type");
                return new Refusal(typeAt, $"{typeAt} '{type}' is not one of {string.Join(", ", PropertyTypes)}");
            }

            var valueAt = Fields.At(itemAt, "value");
            if (!property.TryGetProperty("value", out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return new Refusal(valueAt, $"{valueAt} is required");
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                return new Refusal(valueAt, $"{valueAt} must be a string (every property value is sent as text)");
            }
        }

        return null;
    }
}
