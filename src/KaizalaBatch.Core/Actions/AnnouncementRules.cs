using System.Text.Json.Nodes;

namespace KaizalaBatch.Actions;

/// <summary>Announcement: <b>title</b>, <b>message</b>; mediaResources, a list of mediaResources (local files: image
/// types). The docs spell the key <c>MediaResources</c> too: both are accepted and <c>mediaResources</c> is sent.</summary>
public sealed class AnnouncementRules : IActionRules
{
    public string Type => "Announcement";

    public void Apply(JsonObject body, JsonObject? extra, BodyChecker checker)
    {
        checker.RequiredString(body, "title");
        checker.RequiredString(body, "message");
        if (body.TryGetPropertyValue("MediaResources", out var upper))
        {
            body.Remove("MediaResources");
            if (!body.ContainsKey("mediaResources"))
            {
                body["mediaResources"] = upper;
            }
            else
            {
                checker.Error(Diagnostics.DiagnosticCodes.FieldValue, "MediaResources", "is given together with mediaResources; give one");
            }
        }
        if (body.TryGetPropertyValue("mediaResources", out var node) && node is JsonValue or JsonObject)
        {
            body["mediaResources"] = new JsonArray(node.DeepClone()); // one resource written without a list
        }
        var resources = checker.Array(body, "mediaResources", required: false, nonEmpty: false);
        if (resources is null)
        {
            return;
        }
        using var inResources = checker.Enter("mediaResources");
        for (var i = 0; i < resources.Count; i++)
        {
            checker.MediaResource(resources, null, i, MediaKind.Image, required: true);
        }
    }
}
