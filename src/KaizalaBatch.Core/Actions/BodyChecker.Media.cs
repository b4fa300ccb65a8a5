using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.Actions;

/// <summary>The check of a mediaResource, which may name a local file to upload.</summary>
public sealed partial class BodyChecker
{
    /// <summary>A mediaResource: either the opaque string from an earlier upload, or <c>{ file: "..." }</c>, a local
    /// file that must exist and have one of <paramref name="extensions"/>. The object stays in the body; the file is
    /// listed in the item's media with its JSON Pointer, content hash and MIME type.</summary>
    /// <param name="parent">The object holding <paramref name="key"/>, or the list holding item <paramref name="index"/>.</param>
    public void MediaResource(JsonNode? parent, string? key, int index, MediaKind kind, bool required)
    {
        if (key is null)
        {
            segments.Add((null, index));
        }
        try
        {
            MediaResourceHere(parent, key, index, kind, required);
        }
        finally
        {
            if (key is null)
            {
                segments.RemoveAt(segments.Count - 1);
            }
        }
    }

    private void MediaResourceHere(JsonNode? parent, string? key, int index, MediaKind kind, bool required)
    {
        JsonNode? node = parent switch
        {
            JsonObject o when key is not null => o.TryGetPropertyValue(key, out var n) ? n : null,
            JsonArray a => a[index],
            _ => null,
        };
        if (node is null)
        {
            if (required)
            {
                Error(DiagnosticCodes.FieldRequired, key, "is required");
            }
            return;
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            if (string.IsNullOrWhiteSpace(value.GetValue<string>()))
            {
                Error(DiagnosticCodes.FieldRequired, key, "must not be empty");
            }
            return;
        }
        if (node is JsonObject obj && obj.Count == 1 && obj.TryGetPropertyValue("file", out var fileNode) && fileNode is JsonValue fileValue && fileValue.GetValueKind() == JsonValueKind.String)
        {
            if (media is null)
            {
                throw new InvalidOperationException("a media file was found but no MediaResolver was given");
            }
            var file = fileValue.GetValue<string>();
            var fileKey = key is null ? "file" : key + ".file";
            var origin = mediaOrigin?.Invoke(Pointer(key) + "/file") ?? MediaPathOrigin.Written;
            var resolved = media.Resolve(file, kind, origin.FromData, out var problem);
            if (problem is { OutsideFolder: true })
            {
                // The CSV chose a file outside the media folder: name the cell (its column) so it can be fixed.
                var path = Path(fileKey);
                (inputErrors ?? errors).Add(Diagnostic.Error(DiagnosticCodes.MediaOutsideFolder,
                    $"{path}: {problem.Message} ({ItemDescription})", itemLocation with { Field = origin.Column ?? path }));
                return;
            }
            if (resolved is null)
            {
                Error(DiagnosticCodes.Media, fileKey, problem!.Message);
                return;
            }
            mediaFiles.Add(new MediaFile(Pointer(key), resolved.FullPath, resolved.ContentHash, resolved.MimeType));
            return;
        }
        Error(DiagnosticCodes.FieldType, key, $"must be a mediaResource string or {{ file: \"path\" }}, not {Describe(node)}");
    }
}
