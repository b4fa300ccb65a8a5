using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Emulator.Rules;
using KaizalaBatch.Emulator.State;

namespace KaizalaBatch.Emulator.Endpoints;

/// <summary>
/// What the read-back calls tell about an Action, in the shapes of Microsoft's pages: the list call
/// (<c>actions_get.md</c>) gives a per-type <em>summary</em>, never the body that was sent; the details call
/// (<c>actionDetails.md</c>) gives <c>actionType, sender, sentAt, actionDetails</c>. Only the types that
/// <c>actions.md</c> marks "GET: Yes" can be listed.
/// </summary>
internal static class ActionSummary
{
    /// <summary>The types <c>actions.md</c> lets a client list (of those one can post); everything else, Audio, Document,
    /// Announcement, Album, Video and package instances included, is refused by the list call.</summary>
    public static readonly IReadOnlySet<string> Listable =
        new HashSet<string>(["Image", "Job", "Survey", "LetsMeet", "Poll"], StringComparer.OrdinalIgnoreCase);

    /// <summary>One entry of <c>GET .../groups/{groupId}/actions</c>: creationTime in epoch seconds, as the samples give it.</summary>
    public static JsonObject ListEntry(AcceptedAction action, string sender, IReadOnlyList<ActionResponse> responses, string mediaBase)
    {
        using var document = JsonDocument.Parse(action.ActionBodyJson);
        return new JsonObject
        {
            ["referenceId"] = action.ReferenceId.ToString(),
            ["actionType"] = action.Kind,
            ["sender"] = sender,
            ["creationTime"] = action.CreatedAt.ToUnixTimeSeconds(),
            ["actionBody"] = Summary(action, document.RootElement, responses, mediaBase),
        };
    }

    /// <summary><c>GET .../actions/{actionId}?getDetails=</c>: the documented envelope; responses only with details.</summary>
    public static JsonObject Details(AcceptedAction action, string sender, IReadOnlyList<ActionResponse> responses, bool withResponses, string mediaBase)
    {
        using var document = JsonDocument.Parse(action.ActionBodyJson);
        var body = document.RootElement;
        var details = action.ActionType == "Job"
            ? JobDetails(action, body, responses)
            : Summary(action, body, responses, mediaBase);
        if (action.PackageId is not null || action.ActionType == "Poll")
        {
            // Not in the pages; a report needs it, and Survey and Job carry it too.
            details["responseCount"] = responses.Count;
        }

        if (withResponses)
        {
            var list = new JsonArray();
            foreach (var response in responses)
            {
                list.Add(new JsonObject
                {
                    ["responseId"] = response.ResponseId.ToString(),
                    ["responder"] = response.Responder,
                    ["responseTime"] = response.UpdatedAt.ToUnixTimeSeconds(),
                    ["actionBody"] = JsonNode.Parse(response.ActionBodyJson),
                });
            }

            details["responses"] = list;
        }

        return new JsonObject
        {
            ["actionType"] = action.Kind,
            ["sender"] = sender,
            ["sentAt"] = Iso(action.CreatedAt),
            ["actionDetails"] = details,
        };
    }

    private static JsonObject Summary(AcceptedAction action, JsonElement body, IReadOnlyList<ActionResponse> responses, string mediaBase)
    {
        var created = action.CreatedAt;
        switch (action.ActionType)
        {
            case "Survey":
                return new JsonObject
                {
                    ["actionId"] = action.ActionId?.ToString(),
                    ["title"] = body.GetProperty("title").GetString(),
                    ["responseCount"] = responses.Count,
                    ["expiryDate"] = Iso(created + Hours(body, "dueDate", SurveyRules.DefaultDueHours)),
                };
            case "Job":
                var assignees = body.GetProperty("assignedTo").GetArrayLength();
                var completed = Completed(responses);
                return new JsonObject
                {
                    ["actionId"] = action.ActionId?.ToString(),
                    ["title"] = body.GetProperty("title").GetString(),
                    ["assigneeCount"] = assignees,
                    ["responseCount"] = completed,
                    ["isCompleted"] = completed >= assignees,
                };
            case "Poll":
                var choices = new JsonArray();
                foreach (var choice in body.GetProperty("choices").EnumerateArray())
                {
                    var entry = new JsonObject { ["title"] = choice.GetProperty("title").GetString() };
                    if (Fields.TryGet(choice, "image", out var image))
                    {
                        entry["image"] = MediaUrl(mediaBase, image.GetString()!);
                    }

                    choices.Add(entry);
                }

                return new JsonObject
                {
                    ["actionId"] = action.ActionId?.ToString(),
                    ["question"] = body.GetProperty("question").GetString(),
                    ["isSenderOnly"] = Fields.TryGet(body, "isSenderOnly", out var senderOnly) && senderOnly.ValueKind == JsonValueKind.True,
                    ["expiryDate"] = Iso(created + Hours(body, "expiryInHours", PollRules.DefaultExpiryHours)),
                    ["choices"] = choices,
                };
            case "LetsMeet":
                var meeting = new JsonObject
                {
                    ["actionId"] = action.ActionId?.ToString(),
                    ["title"] = body.GetProperty("title").GetString(),
                    ["startingTime"] = body.GetProperty("startingTime").GetString(),
                    ["agenda"] = Fields.TryGet(body, "agenda", out var agenda) ? agenda.GetString() : null,
                    ["duration"] = LetsMeetRules.Duration(body),
                    ["isSenderOnly"] = Fields.TryGet(body, "isSenderOnly", out var meetingSenderOnly) && meetingSenderOnly.ValueKind == JsonValueKind.True,
                };
                if (Fields.TryGet(body, "place", out var place))
                {
                    meeting["place"] = JsonNode.Parse(place.GetRawText());
                }

                return meeting;
            case "Image":
                return new JsonObject { ["imageUrl"] = MediaUrl(mediaBase, body.GetProperty("mediaResource").GetString()!) };
            default:
                // Not listable; the details call still describes it (the pages say nothing of these shapes).
                var other = new JsonObject();
                if (action.ActionId is { } id)
                {
                    other["actionId"] = id.ToString();
                }

                if (Fields.TryGetEitherCase(body, "title", out var title, out _) && title.ValueKind == JsonValueKind.String)
                {
                    other["title"] = title.GetString();
                }

                return other;
        }
    }

    /// <summary>actionDetails.md's Job: dueDate, title, status (all assignees done), responseCount, assigneeCount.</summary>
    private static JsonObject JobDetails(AcceptedAction action, JsonElement body, IReadOnlyList<ActionResponse> responses)
    {
        var assignees = body.GetProperty("assignedTo").GetArrayLength();
        var completed = Completed(responses);
        return new JsonObject
        {
            ["actionId"] = action.ActionId?.ToString(),
            ["dueDate"] = Iso(action.CreatedAt + Hours(body, "dueDate", JobRules.DefaultDueHours)),
            ["title"] = body.GetProperty("title").GetString(),
            ["status"] = completed >= assignees,
            ["responseCount"] = completed,
            ["assigneeCount"] = assignees,
        };
    }

    private static TimeSpan Hours(JsonElement body, string name, int defaultHours) =>
        TimeSpan.FromHours(Fields.TryGet(body, name, out var hours) ? hours.GetInt32() : defaultHours);

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string MediaUrl(string mediaBase, string mediaResource) => mediaBase + Uri.EscapeDataString(mediaResource);

    /// <summary>A Job's responders who marked it complete (each responder counts once: a later response updates theirs).</summary>
    private static int Completed(IReadOnlyList<ActionResponse> responses) =>
        responses.Count(r => IsCompleted(r.ActionBodyJson));

    private static bool IsCompleted(string responseJson)
    {
        using var document = JsonDocument.Parse(responseJson);
        return document.RootElement.TryGetProperty("isCompleted", out var done) && done.ValueKind == JsonValueKind.True;
    }
}
