using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Emulator.Pipeline;
using KaizalaBatch.Emulator.Rules;
using KaizalaBatch.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace KaizalaBatch.Emulator.Endpoints;

/// <summary>
/// The group Action calls: send, read back (list and details) and respond. Each first checks the
/// group (a GUID → else 400; known → else 404).
/// </summary>
internal sealed class ActionEndpoints(Service service)
{
    /// <summary>Read-back pages hold 30 Actions unless count says otherwise, and never more than this.</summary>
    public const int MaxPage = 100;

    public const int DefaultPage = 30;

    /// <summary><c>POST .../groups/{groupId}/actions</c></summary>
    public async Task<IResult> SendAsync(HttpContext http, string groupId)
    {
        if (Group(groupId, out var group) is { } badGroup)
        {
            return badGroup;
        }

        var (document, badBody) = await ReadJsonAsync(http).ConfigureAwait(false);
        if (document is null)
        {
            return badBody!;
        }

        using (document)
        {
            if (ActionRules.Check(document.RootElement, out var request) is { } refusal)
            {
                return Answers.Refused(refusal);
            }

            var action = service.Store.Add(group, request!, Connector(http), service.Time.GetUtcNow());
            var answer = new JsonObject { ["referenceId"] = action.ReferenceId.ToString() };
            if (action.ActionId is { } actionId)
            {
                answer["actionId"] = actionId.ToString();
            }

            return Answers.Ok(answer);
        }
    }

    /// <summary><c>GET .../groups/{groupId}/actions?actionType=&amp;fromDate=&amp;count=</c></summary>
    public IResult List(HttpContext http, string groupId)
    {
        if (Group(groupId, out var group) is { } badGroup)
        {
            return badGroup;
        }

        var query = http.Request.Query;
        var kind = query["actionType"].ToString();
        long fromDate = 0;
        if (query["fromDate"].ToString() is { Length: > 0 } fromText &&
            !long.TryParse(fromText, NumberStyles.Integer, CultureInfo.InvariantCulture, out fromDate))
        {
            return Answers.Refused(new Refusal("fromDate", "fromDate must be epoch milliseconds (an integer)"));
        }

        var count = DefaultPage;
        if (query["count"].ToString() is { Length: > 0 } countText &&
            (!int.TryParse(countText, NumberStyles.Integer, CultureInfo.InvariantCulture, out count) || count < 1))
        {
            return Answers.Refused(new Refusal("count", "count must be an integer of 1 or more"));
        }

        var page = service.Store.Read(group, fromDate, kind.Length == 0 ? null : kind, Math.Min(count, MaxPage));
        var actions = new JsonArray();
        foreach (var action in page.Actions)
        {
            var item = new JsonObject { ["referenceId"] = action.ReferenceId.ToString() };
            if (action.ActionId is { } actionId)
            {
                item["actionId"] = actionId.ToString();
            }

            item["actionType"] = action.Kind;
            item["sender"] = action.Connector;
            item["creationTime"] = action.CreatedAt.ToUnixTimeMilliseconds();
            item["actionBody"] = action.ActionBody;
            actions.Add(item);
        }

        return Answers.Ok(new JsonObject { ["actions"] = actions, ["hasMore"] = page.HasMore });
    }

    /// <summary><c>GET .../groups/{groupId}/actions/{actionId}?getDetails=true|false</c></summary>
    public IResult Details(HttpContext http, string groupId, string actionId)
    {
        if (Find(groupId, actionId, out var action) is { } notFound)
        {
            return notFound;
        }

        var detailsText = http.Request.Query["getDetails"].ToString();
        var withDetails = false;
        if (detailsText.Length > 0 && !bool.TryParse(detailsText, out withDetails))
        {
            return Answers.Refused(new Refusal("getDetails", "getDetails must be true or false"));
        }

        var responses = service.Store.Responses(action!.ActionId!.Value);
        using var body = JsonDocument.Parse(action.ActionBodyJson);
        var answer = ActionSummary.Describe(action, body.RootElement, responses);
        if (withDetails)
        {
            var list = new JsonArray();
            foreach (var response in responses)
            {
                list.Add(new JsonObject
                {
                    ["responseId"] = response.ResponseId.ToString(),
                    ["responder"] = response.Responder,
                    ["responseTime"] = response.CreatedAt.ToUnixTimeMilliseconds(),
                    ["actionBody"] = JsonNode.Parse(response.ActionBodyJson),
                });
            }

            answer["responses"] = list;
        }

        return Answers.Ok(answer);
    }

    /// <summary><c>POST .../groups/{groupId}/actions/{actionId}/responses</c></summary>
    public async Task<IResult> RespondAsync(HttpContext http, string groupId, string actionId)
    {
        if (Find(groupId, actionId, out var action) is { } notFound)
        {
            return notFound;
        }

        var (document, badBody) = await ReadJsonAsync(http).ConfigureAwait(false);
        if (document is null)
        {
            return badBody!;
        }

        using (document)
        {
            if (ResponseRules.Check(document.RootElement, action!, out var bodyJson) is { } refusal)
            {
                return Answers.Refused(refusal);
            }

            var response = service.Store.AddResponse(action!, Connector(http), bodyJson, service.Time.GetUtcNow());
            return Answers.Ok(new JsonObject { ["responseId"] = response.ResponseId.ToString() });
        }
    }

    private static string Connector(HttpContext http) => (string)http.Items[Service.ConnectorKey]!;

    private JsonAnswer? Group(string groupId, out Guid group)
    {
        if (!Guid.TryParse(groupId, out group))
        {
            return Answers.Refused(new Refusal("groupId", $"groupId '{groupId}' is not a GUID"));
        }

        return service.Options.KnownGroups is { } known && !known.Contains(group)
            ? Answers.NotFound($"group {group} not found")
            : null;
    }

    private JsonAnswer? Find(string groupId, string actionId, out AcceptedAction? action)
    {
        action = null;
        if (Group(groupId, out var group) is { } badGroup)
        {
            return badGroup;
        }

        if (!Guid.TryParse(actionId, out var id))
        {
            return Answers.Refused(new Refusal("actionId", $"actionId '{actionId}' is not a GUID"));
        }

        action = service.Store.Find(group, id);
        return action is null ? Answers.NotFound($"action {id} not found in group {group}") : null;
    }

    private static async Task<(JsonDocument? Document, JsonAnswer? Refusal)> ReadJsonAsync(HttpContext http)
    {
        if (!http.Request.HasJsonContentType())
        {
            return (null, Answers.UnsupportedMediaType("Content-Type must be application/json"));
        }

        try
        {
            var document = await JsonDocument.ParseAsync(http.Request.Body, default, http.RequestAborted).ConfigureAwait(false);
            return (document, null);
        }
        catch (JsonException e)
        {
            return (null, Answers.Refused(new Refusal("body", $"the body is not valid JSON: {e.Message}")));
        }
    }
}
