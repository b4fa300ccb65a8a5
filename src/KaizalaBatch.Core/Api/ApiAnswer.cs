using System.Text.Json;
using System.Text.Json.Nodes;

namespace KaizalaBatch.Api;

/// <summary>How an HTTP answer of the service reads as an <see cref="ApiOutcome"/>: 2xx with JSON is accepted, 429 and
/// 5xx/408 are worth another attempt, anything else is final.</summary>
internal static class ApiAnswer
{
    /// <summary>How long a 429 holds every call back when it names no Retry-After.</summary>
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(60);

    /// <param name="scrub">Removes the connection's secrets from a message the service wrote (it may echo a header).</param>
    public static async Task<ApiOutcome> ReadAsync(HttpResponseMessage response, Func<string, string> scrub, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            // Parsed from its bytes: an accepted answer comes once per item and is never needed as text.
            var utf8 = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var json = utf8.AsSpan();
                json = json.StartsWith("\uFEFF"u8) ? json[3..] : json; // a byte-order mark, as ReadAsStringAsync would skip it
                return new Accepted(json.IsEmpty ? [] : JsonNode.Parse(json) as JsonObject ?? []);
            }
            catch (JsonException)
            {
                return new Transient(TransientKind.ServerError, "the answer was not JSON", status);
            }
        }
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var message = scrub(Summarise(text, response.ReasonPhrase));
        if (status == 429)
        {
            return new Transient(TransientKind.Throttled, message, status, ThrottledFor(response, time));
        }
        if (status >= 500 || status == 408)
        {
            return new Transient(TransientKind.ServerError, message, status);
        }
        return new Permanent(status, message);
    }

    /// <summary>How long a 429 holds every call back: its Retry-After, else a minute.</summary>
    public static TimeSpan ThrottledFor(HttpResponseMessage response, TimeProvider time) => RetryAfter(response, time) ?? DefaultRetryAfter;

    private static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>A short, single-line message from an error answer: its <c>message</c>/<c>error</c> field if JSON, else the text.</summary>
    private static string Summarise(string text, string? reason)
    {
        var message = text;
        try
        {
            if (JsonNode.Parse(text) is JsonObject json)
            {
                message = (json["message"] ?? json["error"] ?? json["errorMessage"])?.ToString() ?? text;
            }
        }
        catch (JsonException)
        {
        }
        message = message.ReplaceLineEndings(" ").Trim();
        if (message.Length == 0)
        {
            message = reason ?? "";
        }
        return message.Length > 300 ? message[..300] + "…" : message;
    }
}
