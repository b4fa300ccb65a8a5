using System.Text.Json.Nodes;

namespace KaizalaBatch.Actions;

/// <summary>Image, Album, Audio, Document, Video: <b>mediaResource</b> (an uploaded mediaResource, or a local file of
/// an extension the type allows); caption. One class, parameterised, since the five differ only in extensions.</summary>
public sealed class MediaActionRules(string type, MediaKind kind) : IActionRules
{
    public string Type { get; } = type;

    public MediaKind Kind { get; } = kind;

    public void Apply(JsonObject body, JsonObject? extra, BodyChecker checker)
    {
        checker.MediaResource(body, "mediaResource", -1, Kind, required: true);
        checker.OptionalString(body, "caption");
    }
}
