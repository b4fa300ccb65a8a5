using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.Actions;

/// <summary>An Action package instance (type Custom, sent with <c>id</c> = packageId): <b>properties</b>, each
/// <c>{ name, type, value }</c> with type in any case (sent PascalCase) and value a string (numbers and booleans
/// become their text, lists and objects their JSON); or, for the subscribers of a public group, <b>title</b> and
/// validity in the body with <c>subscribers</c> (phones) and <c>sendToAllSubscribers</c> in <c>extra</c>.</summary>
public sealed class CustomRules : IActionRules
{
    public static readonly IReadOnlyList<string> PropertyTypes =
        ["Text", "Numeric", "Location", "DateTime", "StringList", "Attachment", "StringSet", "AttachmentList"];

    public string Type => "Custom";

    public bool IsCustom => true;

    public void Apply(JsonObject body, JsonObject? extra, BodyChecker checker)
    {
        var forSubscribers = extra is not null && (extra.ContainsKey("subscribers") || extra.ContainsKey("sendToAllSubscribers"));
        if (extra is not null)
        {
            using var inExtra = checker.EnterRoot("extra");
            foreach (var (key, _) in extra.ToList())
            {
                if (key is not ("subscribers" or "sendToAllSubscribers"))
                {
                    checker.Error(DiagnosticCodes.FieldValue, key, "is not a request field; extra takes subscribers and sendToAllSubscribers");
                }
            }
            checker.Phones(extra, "subscribers", required: false);
            checker.Boolean(extra, "sendToAllSubscribers", null);
        }
        if (forSubscribers && !body.ContainsKey("properties"))
        {
            checker.RequiredString(body, "title");
            checker.Integer(body, "validity", null, minimum: 1);
            return;
        }
        var properties = checker.Array(body, "properties", required: true, nonEmpty: true);
        if (properties is null)
        {
            return;
        }
        using var inProperties = checker.Enter("properties");
        for (var i = 0; i < properties.Count; i++)
        {
            using var inProperty = checker.Enter(i);
            if (checker.Object(properties[i]) is not { } property)
            {
                continue;
            }
            checker.RequiredString(property, "name");
            checker.Enum(property, "type", PropertyTypes, required: true);
            if (!property.TryGetPropertyValue("value", out var value) || value is null)
            {
                checker.Error(DiagnosticCodes.FieldRequired, "value", "is required");
            }
            else if (value is JsonArray or JsonObject)
            {
                property["value"] = value.ToJsonString();
            }
            else if (value is JsonValue scalar && scalar.GetValueKind() != JsonValueKind.String)
            {
                property["value"] = scalar.ToJsonString();
            }
        }
    }
}
