using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Emulator.Rules;
using Microsoft.AspNetCore.Http;

namespace KaizalaBatch.Emulator.Pipeline;

/// <summary>An API answer: a status, a JSON body and perhaps a few headers.</summary>
internal sealed class JsonAnswer(int status, JsonNode body) : IResult
{
    public int Status { get; } = status;

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public JsonAnswer With(string header, string value)
    {
        Headers.Add(new(header, value));
        return this;
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        response.ContentType = "application/json; charset=utf-8";
        // Relaxed: phone numbers read "+91..." rather than "\u002B91..." (both are valid JSON).
        await using var writer = new Utf8JsonWriter(response.Body, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        body.WriteTo(writer);
        await writer.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>The answers the service gives, in one place so their shapes agree.</summary>
internal static class Answers
{
    public static JsonAnswer Ok(JsonNode body) => new(StatusCodes.Status200OK, body);

    /// <summary><c>{ "code": ..., "message": ..., "field"?: ... }</c></summary>
    public static JsonAnswer Error(int status, string code, string message, string? field = null)
    {
        var body = new JsonObject { ["code"] = code, ["message"] = message };
        if (field is not null)
        {
            body["field"] = field;
        }

        return new JsonAnswer(status, body);
    }

    public static JsonAnswer Refused(Refusal refusal) =>
        Error(StatusCodes.Status400BadRequest, "BadRequest", refusal.Message, refusal.Field);

    public static JsonAnswer Unauthorized(string message) =>
        Error(StatusCodes.Status401Unauthorized, "Unauthorized", message);

    public static JsonAnswer NotFound(string message) =>
        Error(StatusCodes.Status404NotFound, "NotFound", message);

    public static JsonAnswer UnsupportedMediaType(string message) =>
        Error(StatusCodes.Status415UnsupportedMediaType, "UnsupportedMediaType", message);
}
