using System.Text.Json;

namespace KaizalaBatch.Emulator.Rules;

/// <summary>A request to send an Action that passed the rules.</summary>
/// <param name="ActionType">Canonical built-in type name, or null for a package instance.</param>
/// <param name="PackageId">Action package id, or null for a built-in type.</param>
/// <param name="ActionBodyJson">The actionBody text exactly as received.</param>
internal sealed record ActionRequest(
    string? ActionType,
    string? PackageId,
    string ActionBodyJson,
    IReadOnlyList<string>? Subscribers,
    bool? SendToAllSubscribers);

/// <summary>
/// Judges a <c>POST .../groups/{groupId}/actions</c> body the way the service does. This is the
/// emulator's own reading of REFERENCE.md and deliberately shares nothing with the client's
/// validator: a disagreement between the two is a bug found.
/// </summary>
internal static class ActionRules
{
    /// <summary>Media Actions are answered with a referenceId alone.</summary>
    public static readonly IReadOnlySet<string> MediaTypes =
        new HashSet<string>(["Image", "Album", "Audio", "Document", "Video"], StringComparer.Ordinal);

    private static readonly Dictionary<string, Func<JsonElement, string, Refusal?>> BuiltIn =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["Job"] = JobRules.Check,
            ["Survey"] = SurveyRules.Check,
            ["Poll"] = PollRules.Check,
            ["Announcement"] = AnnouncementRules.Check,
            ["LetsMeet"] = LetsMeetRules.Check,
            ["Image"] = MediaRules.Check,
            ["Album"] = MediaRules.Check,
            ["Audio"] = MediaRules.Check,
            ["Document"] = MediaRules.Check,
            ["Video"] = MediaRules.Check,
        };

    /// <summary>The canonical spelling of a built-in type given in any case, or null when there is none.</summary>
    public static string? CanonicalType(string name) =>
        BuiltIn.TryGetValue(name, out _) ? BuiltIn.Keys.First(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) : null;

    public static Refusal? Check(JsonElement root, out ActionRequest? request)
    {
        request = null;
        if (Fields.RequireObject(root, "body") is { } notObject)
        {
            return notObject;
        }

        var hasType = Fields.TryGet(root, "actionType", out var typeValue);
        var hasId = Fields.TryGet(root, "id", out var idValue);
        if (hasType && hasId)
        {
            return new Refusal("id", "give either actionType or id (an Action package id), not both");
        }

        if (!hasType && !hasId)
        {
            return new Refusal("actionType", "actionType is required (or id, for an Action package instance)");
        }

        if (!Fields.TryGet(root, "actionBody", out var body))
        {
            return new Refusal("actionBody", "actionBody is required");
        }

        if (Fields.RequireObject(body, "actionBody") is { } bodyNotObject)
        {
            return bodyNotObject;
        }

        if (hasType)
        {
            if (Fields.Text(typeValue, "actionType", out var typeName) is { } badType)
            {
                return badType;
            }

            var canonical = CanonicalType(typeName);
            if (canonical is null)
            {
                return new Refusal("actionType", $"actionType '{typeName}' is not a known Action type");
            }

            foreach (var packageOnly in (string[])["subscribers", "sendToAllSubscribers"])
            {
                if (Fields.TryGet(root, packageOnly, out _))
                {
                    return new Refusal(packageOnly, $"{packageOnly} is only for an Action package instance (id)");
                }
            }

            if (BuiltIn[canonical](body, "actionBody") is { } refusal)
            {
                return refusal;
            }

            request = new ActionRequest(canonical, null, body.GetRawText(), null, null);
            return null;
        }

        if (Fields.Text(idValue, "id", out var packageId) is { } badId)
        {
            return badId;
        }

        if (PackageRules.Check(root, body, out var subscribers, out var sendToAll) is { } packageRefusal)
        {
            return packageRefusal;
        }

        request = new ActionRequest(null, packageId, body.GetRawText(), subscribers, sendToAll);
        return null;
    }
}
