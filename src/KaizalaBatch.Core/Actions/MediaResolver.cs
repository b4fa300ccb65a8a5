using System.Security.Cryptography;

namespace KaizalaBatch.Actions;

/// <summary>Which files a mediaResource may stand for: REFERENCE.md's upload table. A Poll choice image and an
/// Announcement's mediaResources take image files (the service shows them as pictures).</summary>
public enum MediaKind
{
    Image,
    Audio,
    Document,
    Video,
}

/// <summary>A local media file, checked and hashed.</summary>
public sealed record ResolvedMedia(string FullPath, string ContentHash, string MimeType);

/// <summary>Resolves <c>{ file: ... }</c> paths against the run file's folder, checks existence and extension, and
/// hashes each distinct file once per render (a 2,000-group batch usually shares a handful of files). Thread-safe:
/// the render workers share one resolver (two workers meeting a new file at once may both hash it; same result).</summary>
public sealed class MediaResolver(string baseDirectory)
{
    private static readonly Dictionary<string, (MediaKind Kind, string Mime)> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        [".jpg"] = (MediaKind.Image, "image/jpeg"),
        [".jpeg"] = (MediaKind.Image, "image/jpeg"),
        [".png"] = (MediaKind.Image, "image/png"),
        [".mp3"] = (MediaKind.Audio, "audio/mpeg"),
        [".wav"] = (MediaKind.Audio, "audio/wav"),
        [".doc"] = (MediaKind.Document, "application/msword"),
        [".docx"] = (MediaKind.Document, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        [".xls"] = (MediaKind.Document, "application/vnd.ms-excel"),
        [".xlsx"] = (MediaKind.Document, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        [".ppt"] = (MediaKind.Document, "application/vnd.ms-powerpoint"),
        [".pptx"] = (MediaKind.Document, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        [".pdf"] = (MediaKind.Document, "application/pdf"),
        [".mp4"] = (MediaKind.Video, "video/mp4"),
        [".3gpp"] = (MediaKind.Video, "video/3gpp"),
    };

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ResolvedMedia> cache = new(StringComparer.Ordinal);

    public string BaseDirectory { get; } = baseDirectory;

    public static IEnumerable<string> AllowedExtensions(MediaKind kind) =>
        Extensions.Where(e => e.Value.Kind == kind).Select(e => e.Key);

    /// <summary>The file, or null with <paramref name="problem"/> saying what is wrong (a user's mistake).</summary>
    public ResolvedMedia? Resolve(string file, MediaKind kind, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(file))
        {
            problem = "names no file";
            return null;
        }
        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(file, BaseDirectory);
        }
        catch (ArgumentException)
        {
            problem = $"'{file}' is not a valid path";
            return null;
        }
        var extension = Path.GetExtension(fullPath);
        if (!Extensions.TryGetValue(extension, out var type) || type.Kind != kind)
        {
            problem = $"'{file}' has the extension '{extension}', but this field takes {string.Join(" ", AllowedExtensions(kind))}";
            return null;
        }
        if (cache.TryGetValue(fullPath, out var known))
        {
            return known;
        }
        if (!File.Exists(fullPath))
        {
            problem = $"the file '{file}' does not exist (looked for {fullPath})";
            return null;
        }
        string hash;
        try
        {
            using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);
            hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problem = $"the file '{file}' cannot be read: {exception.Message}";
            return null;
        }
        var resolved = new ResolvedMedia(fullPath, hash, type.Mime);
        cache[fullPath] = resolved;
        return resolved;
    }
}
