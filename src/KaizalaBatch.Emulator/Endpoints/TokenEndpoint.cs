using System.Text.Json.Nodes;
using KaizalaBatch.Emulator.Pipeline;
using Microsoft.AspNetCore.Http;

namespace KaizalaBatch.Emulator.Endpoints;

/// <summary><c>GET {apiRoot}/accessToken</c> with headers applicationId, applicationSecret, refreshToken.</summary>
internal sealed class TokenEndpoint(Service service)
{
    public IResult Handle(HttpContext http)
    {
        var headers = http.Request.Headers;
        var now = service.Time.GetUtcNow();
        var issue = service.Credentials.Issue(
            headers["applicationId"].ToString(),
            headers["applicationSecret"].ToString(),
            headers["refreshToken"].ToString(),
            now,
            out var failure);
        if (issue is null)
        {
            return Answers.Unauthorized(failure);
        }

        var call = (long)http.Items[Service.CallNumberKey]!;
        return Answers.Ok(new JsonObject
        {
            ["accessToken"] = issue.AccessToken,
            ["endpointUrl"] = Service.EndpointUrl(http.Request, service.GenerationAt(call)),
            ["accessTokenExpiry"] = issue.Expires.ToUnixTimeMilliseconds(),
            ["refreshToken"] = issue.RefreshToken,
            ["scope"] = "token.write",
        });
    }
}
