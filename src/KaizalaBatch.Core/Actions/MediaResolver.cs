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
/// <param name="FullPath">The path to open: for a path made from data, the real path that was checked.</param>
public sealed record ResolvedMedia(string FullPath, string ContentHash, string MimeType);

/// <summary>Why a media path cannot be used.</summary>
/// <param name="OutsideFolder">A path made from data that leads outside the media folder: the input is unusable
/// (exit 2), not just this item.</param>
public sealed record MediaProblem(string Message, bool OutsideFolder = false);

/// <summary>Where the text of a media path came from.</summary>
/// <param name="FromData">A template made it (so CSV cells may have chosen it), or nobody can tell; false: the run
/// file's author wrote it as is.</param>
/// <param name="Column">The CSV column the template read, when it read exactly one; else null.</param>
public sealed record MediaPathOrigin(bool FromData, string? Column)
{
    public static readonly MediaPathOrigin Written = new(false, null);
    public static readonly MediaPathOrigin Unknown = new(true, null);
}

/// <summary>Resolves <c>{ file: ... }</c> paths against the media folder (mediaRoot, else the run file's folder), checks
/// existence and extension, and hashes each distinct file once per render (a 2,000-group batch usually shares a handful
/// of files). A path a template made must stay inside the media folder (<see cref="ContainedPath"/>): a CSV cell must
/// not choose which local file is uploaded. A path written as is by the run file's author may point anywhere.
/// Thread-safe: the render workers share one resolver (two workers meeting a new file at once may both hash it; same
/// result).</summary>
/// <param name="folderName">How messages name the media folder, such as "the run file's folder".</param>
public sealed class MediaResolver(string baseDirectory, string folderName = "the run file's folder")
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

    /// <summary>Paths made from data, checked: the real path, or the reason it was refused (rows often repeat a path).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string? RealPath, string? Problem)> contained = new(StringComparer.Ordinal);

    public string BaseDirectory { get; } = baseDirectory;

    public static IEnumerable<string> AllowedExtensions(MediaKind kind) =>
        Extensions.Where(e => e.Value.Kind == kind).Select(e => e.Key);

    /// <summary>The file, or null with <paramref name="problem"/> saying what is wrong (a user's mistake).</summary>
    /// <param name="fromData">The path was made by a template (from CSV cells): it must stay inside the media folder.</param>
    public ResolvedMedia? Resolve(string file, MediaKind kind, bool fromData, out MediaProblem? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(file))
        {
            problem = new("names no file");
            return null;
        }
        string fullPath;
        if (fromData)
        {
            var (realPath, why) = contained.GetOrAdd(file, static (path, root) =>
                (ContainedPath.Resolve(root, path, out var reason), reason), BaseDirectory);
            if (realPath is null)
            {
                problem = new($"'{file}' {why}; a media path made from data must stay inside {folderName}", OutsideFolder: true);
                return null;
            }
            fullPath = realPath;
        }
        else
        {
            try
            {
                fullPath = Path.GetFullPath(file, BaseDirectory);
            }
            catch (ArgumentException)
            {
                problem = new($"'{file}' is not a valid path");
                return null;
            }
        }
        var extension = Path.GetExtension(file);
        if (!Extensions.TryGetValue(extension, out var type) || type.Kind != kind)
        {
            problem = new($"'{file}' has the extension '{extension}', but this field takes {string.Join(" ", AllowedExtensions(kind))}");
            return null;
        }
        if (cache.TryGetValue(fullPath, out var known))
        {
            return known;
        }
        if (!File.Exists(fullPath))
        {
            problem = new($"the file '{file}' does not exist (looked for {fullPath})");
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
            problem = new($"the file '{file}' cannot be read: {exception.Message}");
            return null;
        }
        var resolved = new ResolvedMedia(fullPath, hash, type.Mime);
        cache[fullPath] = resolved;
        return resolved;
    }
}
