using System.Text.Json.Nodes;

namespace KaizalaBatch.Actions;

/// <summary>Announcement: <b>title</b>, <b>message</b>; mediaResources, a list of mediaResources (local files: image
/// types). The docs spell the key <c>MediaResources</c> too: both are accepted and <c>mediaResources</c> is sent.</summary>
public sealed class AnnouncementRules : IActionRules
{
    public string Type => "Announcement";

    public void Apply(JsonObject body, JsonObject? extra, BodyChecker checker)
    {
        const string path = "actionBody";
        checker.RequiredString(body, "title", path);
        checker.RequiredString(body, "message", path);
        if (body.TryGetPropertyValue("MediaResources", out var upper))
        {
            body.Remove("MediaResources");
            if (!body.ContainsKey("mediaResources"))
            {
                body["mediaResources"] = upper;
            }
            else
            {
                checker.Error(Diagnostics.DiagnosticCodes.FieldValue, "actionBody.MediaResources", "is given together with mediaResources; give one");
            }
        }
        if (body.TryGetPropertyValue("mediaResources", out var node) && node is JsonValue or JsonObject)
        {
            body["mediaResources"] = new JsonArray(node.DeepClone()); // one resource written without a list
        }
        var resources = checker.Array(body, "mediaResources", path, required: false, nonEmpty: false);
        if (resources is null)
        {
            return;
        }
        for (var i = 0; i < resources.Count; i++)
        {
            checker.MediaResource(resources, "", i, BodyChecker.Child(BodyChecker.Child(path, "mediaResources"), i),
                BodyChecker.Pointer(BodyChecker.Pointer("", "mediaResources"), i), MediaKind.Image, required: true);
        }
    }
}
