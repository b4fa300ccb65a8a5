using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KaizalaBatch.Emulator.Tests.Support;

/// <summary>The token call's answer.</summary>
internal sealed record TokenAnswer(string AccessToken, Uri EndpointUrl, long AccessTokenExpiry, string RefreshToken, string Scope);

/// <summary>An answer read whole: status, headers and the JSON body (null when there is none).</summary>
internal sealed record Reply(HttpStatusCode Status, HttpResponseHeaders Headers, JsonNode? Body)
{
    public string? Field => Body?["field"]?.GetValue<string>();

    public int? RetryAfter => Headers.RetryAfter?.Delta is { } delta ? (int)delta.TotalSeconds : null;
}

/// <summary>
/// A plain HttpClient speaking to the emulator over loopback, with the request shapes of
/// REFERENCE.md spelled out. Redirects are not followed, so a 308 is seen as it is.
/// </summary>
internal sealed class Api : IDisposable
{
    public static readonly Guid Group = Guid.Parse("5a0d4b4e-3c1f-4d7e-9a55-0b8f6d9e2c11");

    private readonly HttpClient http;

    public Api(KaizalaEmulator emulator)
    {
        http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = emulator.BaseUrl,
        };
        Emulator = emulator;
        Endpoint = emulator.BaseUrl;
    }

    public KaizalaEmulator Emulator { get; }

    /// <summary>The endpointUrl calls go to; the last token answer sets it.</summary>
    public Uri Endpoint { get; set; }

    public string? AccessToken { get; set; }

    public string? ApplicationId { get; set; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Turns 'single quoted' JSON (easier to write in C#) into JSON.</summary>
    public static string Json(string singleQuoted) => singleQuoted.Replace('\'', '"');

    public async Task<Reply> TokenCallAsync(string? applicationId = "connector-a", string? secret = "secret", string? refreshToken = "refresh-1")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Emulator.ApiRoot + "/accessToken"));
        Add(request, "applicationId", applicationId);
        Add(request, "applicationSecret", secret);
        Add(request, "refreshToken", refreshToken);
        return await SendAsync(request);
    }

    /// <summary>Gets a token and keeps it (and its endpointUrl) for the following calls.</summary>
    public async Task<TokenAnswer> SignInAsync(string applicationId = "connector-a", string refreshToken = "refresh-1")
    {
        var reply = await TokenCallAsync(applicationId, "secret", refreshToken);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var token = reply.Body.Deserialize<TokenAnswer>(JsonSerializerOptions.Web)!;
        AccessToken = token.AccessToken;
        ApplicationId = applicationId;
        Endpoint = token.EndpointUrl;
        return token;
    }

    public Task<Reply> PostActionAsync(string json, Guid? group = null) =>
        PostJsonAsync($"v1/groups/{group ?? Group}/actions", json);

    public Task<Reply> PostActionAsync(string json, string groupText) =>
        PostJsonAsync($"v1/groups/{groupText}/actions", json);

    public Task<Reply> RespondAsync(Guid actionId, string json, Guid? group = null) =>
        PostJsonAsync($"v1/groups/{group ?? Group}/actions/{actionId}/responses", json);

    /// <summary>The list call; the documented actionType (required by the service) defaults to Survey unless the query names one.</summary>
    public Task<Reply> ListAsync(string query = "", Guid? group = null, string actionType = "Survey")
    {
        if (!query.Contains("actionType=", StringComparison.Ordinal))
        {
            query = (query.Length == 0 ? "?" : query + "&") + "actionType=" + actionType;
        }

        return GetAsync($"v1/groups/{group ?? Group}/actions{query}");
    }

    public Task<Reply> DetailsAsync(Guid actionId, bool details, Guid? group = null) =>
        GetAsync($"v1/groups/{group ?? Group}/actions/{actionId}?getDetails={(details ? "true" : "false")}");

    public async Task<Reply> GetAsync(string relative)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Endpoint, relative));
        Authorize(request);
        return await SendAsync(request);
    }

    public async Task<Reply> PostJsonAsync(string relative, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Endpoint, relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        Authorize(request);
        return await SendAsync(request);
    }

    public async Task<Reply> UploadAsync(byte[] content, string? partContentType, string fileName = "file.bin")
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(content);
        if (partContentType is not null)
        {
            part.Headers.ContentType = MediaTypeHeaderValue.Parse(partContentType);
        }

        form.Add(part, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Endpoint, "v1/media")) { Content = form };
        Authorize(request);
        return await SendAsync(request);
    }

    public async Task<Reply> SendAsync(HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return new Reply(response.StatusCode, response.Headers, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public async Task<JsonNode> InspectAsync(string what)
    {
        var text = await http.GetStringAsync(new Uri(Emulator.BaseUrl, $"_emulator/{what}"), Ct);
        return JsonNode.Parse(text)!;
    }

    public void Dispose() => http.Dispose();

    private void Authorize(HttpRequestMessage request)
    {
        Add(request, "accessToken", AccessToken);
        Add(request, "applicationId", ApplicationId);
    }

    private static void Add(HttpRequestMessage request, string name, string? value)
    {
        if (value is not null)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
