using System.Security.Cryptography;
using System.Text.Json.Nodes;
using KaizalaBatch.Emulator.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace KaizalaBatch.Emulator.Endpoints;

/// <summary>
/// <c>POST {endpointUrl}/v1/media</c>: multipart/form-data with one file part whose Content-Type
/// is a media type the service takes (else 415). The answer's mediaResource is derived from the
/// media type and a hash of the content, so the same file always gives the same string. The part's file name is
/// neither logged nor stored nor echoed (a client may send a local path in it; KaizalaBatch sends the base name).
/// </summary>
internal sealed class MediaEndpoint
{
    /// <summary>The media types the service takes, by the Action types they serve.</summary>
    public static readonly IReadOnlySet<string> Accepted = new HashSet<string>(
        [
            "image/jpeg", "image/png", // Image, Album
            "audio/mpeg", "audio/wav", "audio/x-wav", // Audio
            "video/mp4", "video/3gpp", // Video
            "application/pdf", "application/msword", // Document
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.ms-excel",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.ms-powerpoint",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ],
        StringComparer.OrdinalIgnoreCase);

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var request = http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var requestType) ||
            !requestType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return Answers.UnsupportedMediaType("the upload must be multipart/form-data with one file part");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            return Answers.Error(StatusCodes.Status400BadRequest, "BadRequest", $"unreadable multipart body: {e.Message}", "file");
        }

        if (form.Files.Count != 1)
        {
            return Answers.Error(StatusCodes.Status400BadRequest, "BadRequest", "exactly one file part is required", "file");
        }

        var file = form.Files[0];
        if (!MediaTypeHeaderValue.TryParse(file.ContentType, out var partType) ||
            !Accepted.Contains(partType.MediaType.ToString()))
        {
            var given = string.IsNullOrEmpty(file.ContentType) ? "no Content-Type" : $"Content-Type '{file.ContentType}'";
            return Answers.UnsupportedMediaType($"the file part has {given}; accepted: {string.Join(", ", Accepted)}");
        }

        await using var content = file.OpenReadStream();
        var hash = await SHA256.HashDataAsync(content, http.RequestAborted).ConfigureAwait(false);
        var mediaType = partType.MediaType.ToString().ToLowerInvariant();
        var kind = mediaType[..mediaType.IndexOf('/', StringComparison.Ordinal)];
        return Answers.Ok(new JsonObject
        {
            ["mediaResource"] = $"kzm-{kind}-{Convert.ToHexStringLower(hash)[..40]}",
        });
    }
}
