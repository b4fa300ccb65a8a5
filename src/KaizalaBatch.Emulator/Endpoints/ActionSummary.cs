using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Emulator.Rules;
using KaizalaBatch.Emulator.State;

namespace KaizalaBatch.Emulator.Endpoints;

/// <summary>What <c>GET .../actions/{actionId}</c> tells about an Action and its responses, per type.</summary>
internal static class ActionSummary
{
    public static JsonObject Describe(AcceptedAction action, JsonElement body, IReadOnlyList<ActionResponse> responses)
    {
        var created = action.CreatedAt;
        var summary = new JsonObject
        {
            ["actionId"] = action.ActionId?.ToString(),
            ["referenceId"] = action.ReferenceId.ToString(),
            ["actionType"] = action.Kind,
            ["sender"] = action.Connector,
            ["creationTime"] = created.ToUnixTimeMilliseconds(),
        };

        switch (action.ActionType)
        {
            case "Survey":
                summary["title"] = body.GetProperty("title").GetString();
                summary["expiryDate"] = Hours(created, body, "dueDate", SurveyRules.DefaultDueHours);
                break;
            case "Job":
                var assignees = body.GetProperty("assignedTo").GetArrayLength();
                var completed = responses.Count(r => IsCompleted(r.ActionBodyJson));
                summary["title"] = body.GetProperty("title").GetString();
                summary["dueDate"] = Hours(created, body, "dueDate", JobRules.DefaultDueHours);
                summary["status"] = completed >= assignees ? "Completed" : "Open";
                summary["assigneeCount"] = assignees;
                summary["completedCount"] = completed;
                break;
            case "Poll":
                summary["title"] = body.GetProperty("question").GetString();
                summary["expiryDate"] = Hours(created, body, "expiryInHours", PollRules.DefaultExpiryHours);
                var results = new JsonArray();
                var index = 0;
                foreach (var choice in body.GetProperty("choices").EnumerateArray())
                {
                    var i = index++;
                    results.Add(new JsonObject
                    {
                        ["title"] = choice.GetProperty("title").GetString(),
                        ["count"] = responses.Count(r => Choice(r.ActionBodyJson) == i),
                    });
                }

                summary["results"] = results;
                break;
            case "LetsMeet":
                summary["title"] = body.GetProperty("title").GetString();
                summary["startingTime"] = body.GetProperty("startingTime").GetString();
                summary["durationInMins"] = Fields.TryGet(body, "durationInMins", out var minutes)
                    ? minutes.GetInt32()
                    : LetsMeetRules.DefaultDurationMinutes;
                break;
            case "Announcement":
                summary["title"] = Fields.TryGetEitherCase(body, "title", out var title, out _) ? title.GetString() : null;
                break;
            default:
                if (Fields.TryGet(body, "title", out var anyTitle) && anyTitle.ValueKind == JsonValueKind.String)
                {
                    summary["title"] = anyTitle.GetString();
                }

                break;
        }

        summary["responseCount"] = responses.Count;
        return summary;
    }

    private static long Hours(DateTimeOffset created, JsonElement body, string name, int defaultHours) =>
        (created + TimeSpan.FromHours(Fields.TryGet(body, name, out var hours) ? hours.GetInt32() : defaultHours))
        .ToUnixTimeMilliseconds();

    private static bool IsCompleted(string responseJson)
    {
        using var document = JsonDocument.Parse(responseJson);
        return document.RootElement.TryGetProperty("isCompleted", out var done) && done.ValueKind == JsonValueKind.True;
    }

    private static int Choice(string responseJson)
    {
        using var document = JsonDocument.Parse(responseJson);
        return document.RootElement.GetProperty("choice").GetInt32();
    }
}
