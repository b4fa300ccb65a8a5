using System.Collections.Concurrent;
using KaizalaBatch.Actions;
using KaizalaBatch.Api;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using Microsoft.Extensions.Logging;
using Polly;

namespace KaizalaBatch.Sending;

/// <summary>Uploads each distinct media file once (by content hash) and remembers its mediaResource in the ledger. Items that
/// need a file while its upload is under way wait for that upload instead of starting another.</summary>
/// <remarks>A file is uploaded through the connector of the first item that needs it; its mediaResource serves every
/// connector's items (the media call is not a group's).</remarks>
internal sealed class MediaUploader(ILedger ledger, ResiliencePipeline<ApiOutcome> retry, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Upload>>> _uploads = new(StringComparer.Ordinal);

    /// <summary>One file's upload: its mediaResource, or why there is none (no secret, the file by its base name only).</summary>
    private sealed record Upload(string? Resource, string? Error);

    /// <summary>The mediaResource of every media file of the item, by content hash; or the error of the first that failed.</summary>
    public async Task<(Dictionary<string, string>? Resources, string? Error)> ResolveAsync(RenderedItem item, KaizalaClient client,
        CancellationToken stop, CancellationToken abort)
    {
        var resources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in item.Media)
        {
            if (resources.ContainsKey(file.ContentHash))
            {
                continue;
            }
            if (ledger.FindMedia(file.ContentHash) is { } known)
            {
                resources[file.ContentHash] = known.MediaResource;
                continue;
            }
            var upload = _uploads.GetOrAdd(file.ContentHash, _ => new Lazy<Task<Upload>>(() => UploadAsync(file, client, stop, abort)));
            var done = await upload.Value.ConfigureAwait(false);
            if (done.Resource is { } resource)
            {
                resources[file.ContentHash] = resource;
                continue;
            }
            // A failed upload is not shared with items that come later: they try again.
            _uploads.TryRemove(new KeyValuePair<string, Lazy<Task<Upload>>>(file.ContentHash, upload));
            return (null, done.Error);
        }
        return (resources, null);
    }

    private async Task<Upload> UploadAsync(MediaFile file, KaizalaClient client, CancellationToken stop, CancellationToken abort)
    {
        var name = Path.GetFileName(file.FullPath);
        ApiOutcome outcome;
        try
        {
            outcome = await retry.ExecuteAsync(async _ => await client.UploadMediaAsync(file.FullPath, file.MimeType, abort).ConfigureAwait(false), stop)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            outcome = new Transient(TransientKind.Reset, "stopped before the media upload finished");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone or unreadable since the plan checked it: the items that need it fail, naming it by its base name only.
            return new Upload(null, $"{name} can no longer be read ({ex.GetType().Name})");
        }
        if (outcome is Accepted { MediaResource: { Length: > 0 } resource })
        {
            ledger.RecordMedia(file.ContentHash, resource, name);
            logger.LogInformation("Uploaded {File}", name);
            return new Upload(resource, null);
        }
        return new Upload(null, $"upload of {name} failed: {outcome}");
    }
}
