using KaizalaBatch.Actions;
using System.Globalization;
using System.Net;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Reports;

/// <summary>Local images shown in the preview as small thumbnails, embedded as <c>data:</c> URIs so that the page stays
/// one self-contained file. Files are embedded as they are (not scaled down), so each one and the page as a whole are
/// capped; a file over a cap is named with a note instead.</summary>
public sealed class PreviewThumbnails(long maxFileBytes = 256 * 1024, long maxPageBytes = 8 * 1024 * 1024)
{
    private readonly Dictionary<string, (string? Uri, string? Note)> byPath = new(StringComparer.Ordinal);
    private long embedded;

    /// <summary>The HTML for a media slot: a thumbnail and the file's name for a local image, the name alone (with the
    /// reason) for any other file, the mediaResource string itself when there is no local file.</summary>
    /// <param name="name">What to call it: the file's name or path, or the mediaResource string.</param>
    /// <param name="file">The local file behind it, when there is one.</param>
    public string Html(string name, MediaFile? file)
    {
        ArgumentNullException.ThrowIfNull(name);
        var label = $"<span class=\"file\">{WebUtility.HtmlEncode(name)}</span>";
        if (file is null || !file.MimeType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            return label;
        }
        var (uri, note) = Embed(file);
        return uri is null
            ? $"{label} <span class=\"note\">({WebUtility.HtmlEncode(note)})</span>"
            : $"<img class=\"thumb\" src=\"{uri}\" alt=\"{WebUtility.HtmlEncode(name)}\"> {label}";
    }

    private (string? Uri, string? Note) Embed(MediaFile file)
    {
        if (!byPath.TryGetValue(file.FullPath, out var known))
        {
            known = Read(file);
            byPath.Add(file.FullPath, known);
        }
        if (known.Uri is null)
        {
            return known;
        }
        // Every <img> carries its own copy, so the page's budget counts each use.
        if (embedded + known.Uri.Length > maxPageBytes)
        {
            return (null, $"not shown: the page already holds {Megabytes(embedded)} of images");
        }
        embedded += known.Uri.Length;
        return known;
    }

    private (string? Uri, string? Note) Read(MediaFile file)
    {
        try
        {
            var length = new FileInfo(file.FullPath).Length;
            if (length > maxFileBytes)
            {
                return (null, $"not shown: {Kilobytes(length)}, the page embeds images up to {Kilobytes(maxFileBytes)}");
            }
            return ($"data:{file.MimeType};base64,{Convert.ToBase64String(File.ReadAllBytes(file.FullPath))}", null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The plan checked the file exists; one that went away since is only not shown.
            return (null, "not shown: the file cannot be read");
        }
    }

    private static string Kilobytes(long bytes) => ((bytes + 1023) / 1024).ToString("N0", CultureInfo.InvariantCulture) + " KB";

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB";
}
