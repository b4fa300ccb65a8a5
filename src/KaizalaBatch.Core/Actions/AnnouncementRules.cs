using System.Text.Json.Nodes;

namespace KaizalaBatch.Actions;

/// <summary>Announcement: <b>title</b>, <b>message</b>; mediaResources, a list of mediaResources (local files: image
/// types). The docs spell the keys <c>Title</c>, <c>Message</c>, <c>MediaResources</c> too: either spelling is
/// accepted (not both) and the camelCase one is sent.</summary>
public sealed class AnnouncementRules : IActionRules
{
    public string Type => "Announcement";

    public void Apply(JsonObject body, JsonObject? extra, BodyChecker checker)
    {
        foreach (var name in (string[])["title", "message", "mediaResources"])
        {
            checker.OneSpelling(body, char.ToUpperInvariant(name[0]) + name[1..], name);
        }
        checker.RequiredString(body, "title");
        checker.RequiredString(body, "message");
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
