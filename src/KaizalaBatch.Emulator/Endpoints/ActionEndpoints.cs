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
    /// <summary>Read-back pages hold 30 Actions unless count says otherwise, and never more than this (the docs name no cap).</summary>
    public const int MaxPage = 1000;

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

    /// <summary><c>GET .../groups/{groupId}/actions?actionType=&amp;fromDate=&amp;count=</c>: summaries of the listable
    /// types only (actions_get.md, actions.md). actionType is required, as the page says; fromDate is epoch seconds, like the
    /// creationTime it answers with (a value above 10^11 is taken as milliseconds).</summary>
    public IResult List(HttpContext http, string groupId)
    {
        if (Group(groupId, out var group) is { } badGroup)
        {
            return badGroup;
        }

        var query = http.Request.Query;
        var kind = query["actionType"].ToString();
        if (kind.Length == 0)
        {
            return Answers.Refused(new Refusal("actionType", "actionType is required: the type of Action to list"));
        }

        if (!ActionSummary.Listable.Contains(kind))
        {
            return Answers.Refused(new Refusal("actionType",
                $"Actions of type '{kind}' cannot be listed; the service lists Image, Job, Survey, LetsMeet and Poll"));
        }

        long fromDate = 0;
        if (query["fromDate"].ToString() is { Length: > 0 } fromText &&
            !long.TryParse(fromText, NumberStyles.Integer, CultureInfo.InvariantCulture, out fromDate))
        {
            return Answers.Refused(new Refusal("fromDate", "fromDate must be epoch seconds (an integer)"));
        }

        var fromMs = fromDate > EpochMillisecondsAbove ? fromDate : fromDate * 1000;
        var count = DefaultPage;
        if (query["count"].ToString() is { Length: > 0 } countText &&
            (!int.TryParse(countText, NumberStyles.Integer, CultureInfo.InvariantCulture, out count) || count < 1))
        {
            return Answers.Refused(new Refusal("count", "count must be an integer of 1 or more"));
        }

        var page = service.Store.Read(group, fromMs, kind, Math.Min(count, MaxPage));
        var actions = new JsonArray();
        var mediaBase = MediaBase(http);
        foreach (var action in page.Actions)
        {
            var responses = service.ResponsesOf(action);
            actions.Add(ActionSummary.ListEntry(action, Senders.PhoneOf(action.Connector), responses, mediaBase));
        }

        return Answers.Ok(new JsonObject { ["actions"] = actions, ["hasMore"] = page.HasMore });
    }

    /// <summary>fromDate values above this are milliseconds (10^11 seconds is the year 5138).</summary>
    private const long EpochMillisecondsAbove = 100_000_000_000;

    /// <summary><c>GET .../groups/{groupId}/actions/{actionId}?getDetails=true|false</c> (actionDetails.md).</summary>
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

        var responses = service.ResponsesOf(action!);
        return Answers.Ok(ActionSummary.Details(action!, Senders.PhoneOf(action!.Connector), responses, withDetails, MediaBase(http)));
    }

    /// <summary>Where the summaries' imageUrl points: a made-up blob address on the emulator's own host.</summary>
    private static string MediaBase(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}/_emulator/blobs/";

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
            if (ResponseRules.Check(document.RootElement, action!, out var bodyJson, out var responseId) is { } refusal)
            {
                return Answers.Refused(refusal);
            }

            var response = service.Store.AddResponse(action!, Senders.PhoneOf(Connector(http)), bodyJson, service.Time.GetUtcNow(), responseId);
            return response is null
                ? Answers.NotFound($"response {responseId} not found for action {action!.ActionId}")
                : Answers.Ok(new JsonObject { ["responseId"] = response.ResponseId.ToString() });
        }
    }

    /// <summary><c>POST .../groups/{groupId}/actions/{actionId}/reminder</c> (Kaizala's developer blog): notifies the group
    /// again about an Action of a type that takes responses. The optional body (subscribers of a public group) must be
    /// JSON when given. Recorded, and visible at <c>/_emulator/reminders</c>.</summary>
    public async Task<IResult> RemindAsync(HttpContext http, string groupId, string actionId)
    {
        if (Find(groupId, actionId, out var action) is { } notFound)
        {
            return notFound;
        }

        if (http.Request.ContentLength is > 0 || http.Request.HasJsonContentType())
        {
            var (document, badBody) = await ReadJsonAsync(http).ConfigureAwait(false);
            if (document is null)
            {
                return badBody!;
            }

            document.Dispose();
        }

        service.Store.AddReminder(new Reminder(action!.GroupId, action.ActionId!.Value, Connector(http), service.Time.GetUtcNow()));
        return Answers.Ok(new JsonObject());
    }

    private static string Connector(HttpContext http) => (string)http.Items[Service.ConnectorKey]!;

    /// <summary>A GUID (else 400) of a group the service knows (else 404): the check every group call starts with.</summary>
    internal static JsonAnswer? Group(Service service, string groupId, out Guid group)
    {
        if (!Guid.TryParse(groupId, out group))
        {
            return Answers.Refused(new Refusal("groupId", $"groupId '{groupId}' is not a GUID"));
        }

        return service.Groups.IsKnown(group) ? null : Answers.NotFound($"group {group} not found");
    }

    private JsonAnswer? Group(string groupId, out Guid group) => Group(service, groupId, out group);

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
