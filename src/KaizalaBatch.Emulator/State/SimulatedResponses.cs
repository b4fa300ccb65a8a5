using System.Globalization;
using System.Text.Json.Nodes;
using KaizalaBatch.Emulator.Rules;

namespace KaizalaBatch.Emulator.State;

/// <summary>
/// Members answering on their own (<see cref="EmulatorOptions.RespondRate"/>): for a share of Survey, Job and Poll Actions,
/// a few members respond with plausible answers to every question type, some at once and the rest spread over
/// <see cref="EmulatorOptions.RespondAfter"/>. Everything is drawn from the seed and the Action's id, so the same Action
/// gets the same responses at the same times in every process (nothing needs storing); a response shows once its time
/// has come.
/// </summary>
internal static class SimulatedResponses
{
    private static readonly string[] Remarks =
    [
        "All clear this week.", "The rear exit had boxes in front of it; moved them.", "Need a new extinguisher on floor 2.",
        "Nothing to add.", "Two new staff still to be trained.", "Alarm test was loud and clear.",
    ];

    public static IReadOnlyList<ActionResponse> For(AcceptedAction action, EmulatorOptions options, DateTimeOffset now)
    {
        if (options.RespondRate <= 0 || action.ActionId is not { } id || action.ActionType is not ("Survey" or "Job" or "Poll"))
        {
            return [];
        }
        var bytes = id.ToByteArray();
        var random = new Random(BitConverter.ToInt32(bytes, 0) ^ BitConverter.ToInt32(bytes, 8) ^ options.Seed);
        if (random.NextDouble() >= options.RespondRate)
        {
            return [];
        }
        var body = JsonNode.Parse(action.ActionBodyJson)!.AsObject();
        var assignees = (body["assignedTo"] as JsonArray)?.Select(a => (string?)a ?? "").ToList() ?? [];
        var count = action.ActionType == "Job" ? assignees.Count : random.Next(1, 5);
        var responses = new List<ActionResponse>(count);
        for (var i = 0; i < count; i++)
        {
            // Drawn whatever the time, so that a response's draws never depend on when it is asked for.
            var atOnce = random.NextDouble() < 0.4;
            var soon = TimeSpan.FromSeconds(random.Next(0, 30));
            var delay = atOnce ? (soon < options.RespondAfter ? soon : options.RespondAfter) : options.RespondAfter * random.NextDouble();
            var responseId = new Guid(Bytes(random));
            var responder = action.ActionType == "Job" ? assignees[i] : "+9198" + random.Next(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture);
            var answer = action.ActionType switch
            {
                "Job" => new JsonObject { ["isCompleted"] = random.NextDouble() < 0.7 },
                "Poll" => new JsonObject { ["choice"] = random.Next(0, Math.Max((body["choices"] as JsonArray)?.Count ?? 1, 1)) },
                _ => Survey(body, action.CreatedAt, random),
            };
            var at = action.CreatedAt + delay;
            if (at <= now)
            {
                responses.Add(new ActionResponse(responseId, responder, at, at, answer.ToJsonString()));
            }
        }
        return responses;
    }

    private static JsonObject Survey(JsonObject survey, DateTimeOffset created, Random random)
    {
        var answers = new JsonArray();
        foreach (var question in (survey["questions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var type = SurveyRules.CanonicalQuestionType((string?)question["type"] ?? "") ?? "Text";
            var options = (question["options"] as JsonArray ?? []).Select(o => (string?)o?["title"] ?? "").ToList();
            JsonNode? answer = type switch
            {
                "SingleOption" when options.Count > 0 => options[random.Next(options.Count)],
                "MultiOption" when options.Count > 0 => Pick(options, random),
                "Numeric" => random.Next(0, 25),
                "Location" => new JsonObject
                {
                    ["lt"] = Math.Round(18.5 + random.NextDouble() * 10, 4),
                    ["lg"] = Math.Round(73.0 + random.NextDouble() * 8, 4),
                    ["n"] = "Store entrance",
                },
                "DateTime" or "Date" => (created + TimeSpan.FromHours(random.Next(0, 24 * 14))).ToUnixTimeSeconds(),
                "Image" => $"simulated-photo-{random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture)}.jpg",
                "AttachmentList" => new JsonArray(),
                _ => random.NextDouble() < 0.15 ? null : Remarks[random.Next(Remarks.Length)],
            };
            answers.Add(answer);
        }
        return new JsonObject { ["answers"] = answers };
    }

    private static JsonArray Pick(List<string> options, Random random)
    {
        var chosen = new JsonArray();
        foreach (var option in options.Where(_ => random.NextDouble() < 0.5))
        {
            chosen.Add(option);
        }
        if (chosen.Count == 0)
        {
            chosen.Add(options[random.Next(options.Count)]);
        }
        return chosen;
    }

    private static byte[] Bytes(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return bytes;
    }
}
