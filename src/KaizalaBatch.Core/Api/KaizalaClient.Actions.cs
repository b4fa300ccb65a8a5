using System.Net.Http.Headers;
using System.Text;

namespace KaizalaBatch.Api;

/// <summary>The calls that create or touch Actions, and the media they carry.</summary>
public sealed partial class KaizalaClient
{
    /// <summary><c>POST {endpoint}v1/groups/{groupId}/actions</c> with <paramref name="request"/> as the body
    /// (<c>{actionType, actionBody}</c> or <c>{id, actionBody, ...}</c>), sent byte for byte as given.</summary>
    /// <param name="cancellationToken">Cancels the call, even a request in flight (its outcome is then unknown).</param>
    /// <param name="stopWaiting">Cancels only while no request has left yet (waiting for the gate or the token): a Ctrl-C that
    /// must not leave an Action in doubt. The <see cref="OperationCanceledException"/> then means "not sent".</param>
    /// <param name="beforeSend">Runs after the gate lets the POST through and before its bytes leave (again for a resend after
    /// a 308 or 401): where the caller records, durably, that the outcome is about to become uncertain.</param>
    public Task<ApiOutcome> SendActionAsync(string groupId, string requestJson, CancellationToken cancellationToken,
        CancellationToken stopWaiting = default, Func<ValueTask>? beforeSend = null) =>
        SendActionAsync(groupId, Encoding.UTF8.GetBytes(requestJson), cancellationToken, stopWaiting, beforeSend);

    /// <summary>The same, with the request already in UTF-8 (as the sender writes it): no text to encode per attempt.</summary>
    public Task<ApiOutcome> SendActionAsync(string groupId, ReadOnlyMemory<byte> utf8Request, CancellationToken cancellationToken,
        CancellationToken stopWaiting = default, Func<ValueTask>? beforeSend = null) =>
        CallAsync(
            HttpMethod.Post,
            $"v1/groups/{Uri.EscapeDataString(groupId)}/actions",
            () => new ReadOnlyMemoryContent(utf8Request) { Headers = { ContentType = new MediaTypeHeaderValue("application/json", "utf-8") } },
            cancellationToken,
            stopWaiting,
            beforeSend);

    /// <summary><c>POST {endpoint}v1/media</c>: the file as a multipart part with its own MIME type; the answer carries <c>mediaResource</c>.</summary>
    public Task<ApiOutcome> UploadMediaAsync(string filePath, string mimeType, CancellationToken cancellationToken) =>
        CallAsync(
            HttpMethod.Post,
            "v1/media",
            () =>
            {
                var file = new StreamContent(File.OpenRead(filePath));
                file.Headers.ContentType = MediaTypeHeaderValue.Parse(mimeType);
                var form = new MultipartFormDataContent();
                form.Add(file, "file", Path.GetFileName(filePath));
                return form;
            },
            cancellationToken);

    /// <summary><c>GET {endpoint}v1/groups/{groupId}/actions/{actionId}?getDetails=</c> (actionDetails.md): the Action's
    /// details; with <paramref name="withResponses"/>, its <c>responses</c> too.</summary>
    public Task<ApiOutcome> ReadActionDetailsAsync(string groupId, string actionId, bool withResponses, CancellationToken cancellationToken) =>
        CallAsync(
            HttpMethod.Get,
            $"v1/groups/{Uri.EscapeDataString(groupId)}/actions/{Uri.EscapeDataString(actionId)}?getDetails={(withResponses ? "true" : "false")}",
            null,
            cancellationToken);

    /// <summary><c>POST {endpoint}v1/groups/{groupId}/actions/{actionId}/reminder</c> (Kaizala's developer blog): notifies the
    /// group again about an Action it already has. The body is optional; none is sent.</summary>
    public Task<ApiOutcome> SendReminderAsync(string groupId, string actionId, CancellationToken cancellationToken) =>
        CallAsync(
            HttpMethod.Post,
            $"v1/groups/{Uri.EscapeDataString(groupId)}/actions/{Uri.EscapeDataString(actionId)}/reminder",
            () => new StringContent("{}", Encoding.UTF8, "application/json"),
            cancellationToken);
}
