using System.Text.Json;

namespace KaizalaBatch.Emulator.Rules;

/// <summary>
/// Image, Album, Audio, Document, Video: mediaResource (any non-empty string, not only ones this
/// emulator issued, so that a restarted emulator still takes a remembered one), caption.
/// </summary>
internal static class MediaRules
{
    public static Refusal? Check(JsonElement body, string path) =>
        Fields.RequiredText(body, "mediaResource", path, out _)
        ?? Fields.OptionalString(body, "caption", path);
}
