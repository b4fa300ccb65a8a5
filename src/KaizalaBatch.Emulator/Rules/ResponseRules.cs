using System.Text.Json;

namespace KaizalaBatch.Emulator.Rules;

/// <summary>
/// Judges a <c>POST .../actions/{actionId}/responses</c> body against the Action it answers (action_responses.md).
/// Job: <c>{ "isCompleted": bool }</c>. Survey: <c>{ "responseName"?, "responseLocation"?, "answers": [...] }</c> (the
/// docs' sample spells it <c>Answers</c>: both are taken), one answer per question by index (null = unanswered): a string
/// for Text, Image (a mediaResource) and SingleOption (the option's title), an array of strings for MultiOption (titles)
/// and AttachmentList, a number for Numeric, <c>{lt, lg, n}</c> or <c>{latitude, longitude, name}</c> for Location, epoch
/// seconds (or an ISO 8601 text) for DateTime and Date. An option's index is taken too, as an emulator extension.
/// Poll (not in the pages; an emulator extension for reports): <c>{ "choice": index }</c>. Package instance: any object.
/// The other built-in types take no responses. An optional top-level <c>responseId</c> updates that earlier response.
/// </summary>
internal static class ResponseRules
{
    public static Refusal? Check(JsonElement root, AcceptedAction action, out string actionBodyJson, out Guid? responseId)
    {
        actionBodyJson = "{}";
        responseId = null;
        if (Fields.RequireObject(root, "body") is { } notObject)
        {
            return notObject;
        }

        if (Fields.TryGet(root, "responseId", out var idValue))
        {
            if (idValue.ValueKind != JsonValueKind.String || !Guid.TryParse(idValue.GetString(), out var id))
            {
                return new Refusal("responseId", "responseId must be the GUID of an earlier response");
            }

            responseId = id;
        }

        if (Fields.TryGet(root, "actionType", out var typeValue))
        {
            if (Fields.Text(typeValue, "actionType", out var typeName) is { } badType)
            {
                return badType;
            }

            if (!string.Equals(typeName, action.Kind, StringComparison.OrdinalIgnoreCase))
            {
                return new Refusal("actionType", $"actionType '{typeName}' does not match the Action, a {action.Kind}");
            }
        }

        if (!Fields.TryGet(root, "actionBody", out var body))
        {
            return new Refusal("actionBody", "actionBody is required");
        }

        if (Fields.RequireObject(body, "actionBody") is { } bodyNotObject)
        {
            return bodyNotObject;
        }

        actionBodyJson = body.GetRawText();
        switch (action.ActionType)
        {
            case null:
                return null;
            case "Job":
                if (!Fields.TryGet(body, "isCompleted", out _))
                {
                    return new Refusal("actionBody.isCompleted", "actionBody.isCompleted is required");
                }

                return Fields.OptionalBoolean(body, "isCompleted", "actionBody");
            case "Survey":
                return CheckSurveyAnswers(body, action);
            case "Poll":
                return CheckPollChoice(body, action);
            default:
                return new Refusal("actionId", $"a {action.ActionType} Action takes no responses");
        }
    }

    private static Refusal? CheckPollChoice(JsonElement body, AcceptedAction action)
    {
        using var poll = JsonDocument.Parse(action.ActionBodyJson);
        var choices = poll.RootElement.GetProperty("choices").GetArrayLength();
        if (!Fields.TryGet(body, "choice", out var choice))
        {
            return new Refusal("actionBody.choice", "actionBody.choice is required (the index of a choice)");
        }

        return Index(choice, "actionBody.choice", choices);
    }

    private static Refusal? CheckSurveyAnswers(JsonElement body, AcceptedAction action)
    {
        using var survey = JsonDocument.Parse(action.ActionBodyJson);
        var questions = survey.RootElement.GetProperty("questions");
        if (!Fields.TryGetEitherCase(body, "answers", out var answers, out var name))
        {
            return new Refusal("actionBody.answers", "actionBody.answers is required");
        }

        var at = Fields.At("actionBody", name);
        if (Fields.Array(answers, at, 0) is { } notArray)
        {
            return notArray;
        }

        if (answers.GetArrayLength() != questions.GetArrayLength())
        {
            return new Refusal(at, $"{at} must hold one answer per question ({questions.GetArrayLength()}), null for none");
        }

        var i = 0;
        foreach (var (question, answer) in questions.EnumerateArray().Zip(answers.EnumerateArray()))
        {
            if (CheckAnswer(question, answer, Fields.At(at, i++)) is { } refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    private static Refusal? CheckAnswer(JsonElement question, JsonElement answer, string at)
    {
        if (answer.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var type = SurveyRules.CanonicalQuestionType(question.GetProperty("type").GetString()!)!;
        var options = SurveyRules.TakesOptions(type)
            ? question.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("title").GetString()!).ToArray()
            : [];
        switch (type)
        {
            case "Text":
            case "Image":
                return answer.ValueKind == JsonValueKind.String ? null : new Refusal(at, $"{at} must be a string for a {type} question");
            case "Numeric":
                return answer.ValueKind == JsonValueKind.Number ? null : new Refusal(at, $"{at} must be a JSON number for a Numeric question");
            case "SingleOption":
                return Option(answer, at, options, out _);
            case "MultiOption":
                if (answer.ValueKind != JsonValueKind.Array)
                {
                    return new Refusal(at, $"{at} must be an array of option titles for a MultiOption question");
                }

                var seen = new HashSet<int>();
                var j = 0;
                foreach (var item in answer.EnumerateArray())
                {
                    var itemAt = Fields.At(at, j++);
                    if (Option(item, itemAt, options, out var chosen) is { } badOption)
                    {
                        return badOption;
                    }

                    if (!seen.Add(chosen))
                    {
                        return new Refusal(itemAt, $"{itemAt} repeats an option");
                    }
                }

                return null;
            case "Location":
                return Location(answer, at);
            case "DateTime":
            case "Date":
                return answer.ValueKind == JsonValueKind.Number
                    || (answer.ValueKind == JsonValueKind.String && (Fields.IsIsoDateTime(answer.GetString()!) || Fields.IsIsoDate(answer.GetString()!)))
                    ? null
                    : new Refusal(at, $"{at} must be epoch seconds (a number) or an ISO 8601 text for a {type} question");
            default: // AttachmentList
                return Fields.Array(answer, at, 0) ?? Fields.Texts(answer, at);
        }
    }

    /// <summary>An option by its title (as the docs answer) or by its index.</summary>
    private static Refusal? Option(JsonElement value, string at, string[] options, out int chosen)
    {
        chosen = -1;
        if (value.ValueKind == JsonValueKind.String)
        {
            chosen = Array.FindIndex(options, o => string.Equals(o, value.GetString(), StringComparison.Ordinal));
            return chosen >= 0 ? null : new Refusal(at, $"{at} must be one of the options: {string.Join(", ", options)}");
        }

        if (Index(value, at, options.Length) is { } badIndex)
        {
            return value.ValueKind == JsonValueKind.Number ? badIndex : new Refusal(at, $"{at} must be an option's title");
        }

        chosen = value.GetInt32();
        return null;
    }

    /// <summary>The sample's short form <c>{lt, lg, n}</c> or the long form <c>{latitude, longitude, name}</c>.</summary>
    private static Refusal? Location(JsonElement answer, string at)
    {
        if (Fields.RequireObject(answer, at) is { } notPlace)
        {
            return notPlace;
        }

        var shortForm = Fields.TryGet(answer, "lt", out _) || Fields.TryGet(answer, "lg", out _);
        foreach (var (name, shortName, limit) in (ReadOnlySpan<(string, string, double)>)[("latitude", "lt", 90), ("longitude", "lg", 180)])
        {
            var key = shortForm ? shortName : name;
            if (!Fields.TryGet(answer, key, out var coordinate))
            {
                return new Refusal(Fields.At(at, key), $"{Fields.At(at, key)} is required");
            }

            if (Fields.Number(coordinate, Fields.At(at, key), -limit, limit) is { } badCoordinate)
            {
                return badCoordinate;
            }
        }

        return null;
    }

    private static Refusal? Index(JsonElement value, string at, int count)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var index))
        {
            return new Refusal(at, $"{at} must be a JSON integer (an index)");
        }

        return index >= 0 && index < count ? null : new Refusal(at, $"{at} must be an index from 0 to {count - 1}");
    }
}
