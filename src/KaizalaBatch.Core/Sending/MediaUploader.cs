using System.Collections.Concurrent;
using KaizalaBatch.Api;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using Microsoft.Extensions.Logging;
using Polly;

namespace KaizalaBatch.Sending;

/// <summary>Uploads each distinct media file once (by content hash) and remembers its mediaResource in the ledger. Items that
/// need a file while its upload is under way wait for that upload instead of starting another.</summary>
internal sealed class MediaUploader(KaizalaClient client, RunLedger ledger, ResiliencePipeline<ApiOutcome> retry, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ApiOutcome>>> _uploads = new(StringComparer.Ordinal);

    /// <summary>The mediaResource of every media file of the item, by content hash; or the error of the first that failed.</summary>
    public async Task<(Dictionary<string, string>? Resources, string? Error)> ResolveAsync(RenderedItem item, CancellationToken stop, CancellationToken abort)
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
            var upload = _uploads.GetOrAdd(file.ContentHash, _ => new Lazy<Task<ApiOutcome>>(() => UploadAsync(file, stop, abort)));
            var outcome = await upload.Value.ConfigureAwait(false);
            if (outcome is Accepted { MediaResource: { Length: > 0 } resource })
            {
                resources[file.ContentHash] = resource;
                continue;
            }
            // A failed upload is not shared with items that come later: they try again.
            _uploads.TryRemove(new KeyValuePair<string, Lazy<Task<ApiOutcome>>>(file.ContentHash, upload));
            return (null, $"upload of {Path.GetFileName(file.FullPath)} failed: {outcome}");
        }
        return (resources, null);
    }

    private async Task<ApiOutcome> UploadAsync(MediaFile file, CancellationToken stop, CancellationToken abort)
    {
        ApiOutcome outcome;
        try
        {
            outcome = await retry.ExecuteAsync(async _ => await client.UploadMediaAsync(file.FullPath, file.MimeType, abort).ConfigureAwait(false), stop)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            return new Transient(TransientKind.Reset, "stopped before the media upload finished");
        }
        if (outcome is Accepted { MediaResource: { Length: > 0 } resource })
        {
            ledger.RecordMedia(file.ContentHash, resource, Path.GetFileName(file.FullPath));
            logger.LogInformation("Uploaded {File}", Path.GetFileName(file.FullPath));
        }
        return outcome;
    }
}
