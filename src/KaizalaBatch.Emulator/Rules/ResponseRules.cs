using System.Text.Json;

namespace KaizalaBatch.Emulator.Rules;

/// <summary>
/// Judges a <c>POST .../actions/{actionId}/responses</c> body against the Action it answers.
/// Job: <c>{ "isCompleted": bool }</c>. Survey: <c>{ "answers": [...] }</c>, one per question by index
/// (null = unanswered). Poll: <c>{ "choice": index }</c>. Package instance: any object.
/// The other built-in types take no responses.
/// </summary>
internal static class ResponseRules
{
    public static Refusal? Check(JsonElement root, AcceptedAction action, out string actionBodyJson)
    {
        actionBodyJson = "{}";
        if (Fields.RequireObject(root, "body") is { } notObject)
        {
            return notObject;
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
        var optionCount = SurveyRules.TakesOptions(type) ? question.GetProperty("options").GetArrayLength() : 0;
        switch (type)
        {
            case "Text":
            case "Image":
                return answer.ValueKind == JsonValueKind.String ? null : new Refusal(at, $"{at} must be a string for a {type} question");
            case "Numeric":
                return answer.ValueKind == JsonValueKind.Number ? null : new Refusal(at, $"{at} must be a JSON number for a Numeric question");
            case "SingleOption":
                return Index(answer, at, optionCount);
            case "MultiOption":
                if (answer.ValueKind != JsonValueKind.Array)
                {
                    return new Refusal(at, $"{at} must be an array of option indexes for a MultiOption question");
                }

                var seen = new HashSet<int>();
                var j = 0;
                foreach (var item in answer.EnumerateArray())
                {
                    var itemAt = Fields.At(at, j++);
                    if (Index(item, itemAt, optionCount) is { } badIndex)
                    {
                        return badIndex;
                    }

                    if (!seen.Add(item.GetInt32()))
                    {
                        return new Refusal(itemAt, $"{itemAt} repeats an option");
                    }
                }

                return null;
            case "Location":
                if (Fields.RequireObject(answer, at) is { } notPlace)
                {
                    return notPlace;
                }

                foreach (var (name, limit) in (ReadOnlySpan<(string, double)>)[("latitude", 90), ("longitude", 180)])
                {
                    if (!Fields.TryGet(answer, name, out var coordinate))
                    {
                        return new Refusal(Fields.At(at, name), $"{Fields.At(at, name)} is required");
                    }

                    if (Fields.Number(coordinate, Fields.At(at, name), -limit, limit) is { } badCoordinate)
                    {
                        return badCoordinate;
                    }
                }

                return null;
            case "DateTime":
                return answer.ValueKind == JsonValueKind.String && Fields.IsIsoDateTime(answer.GetString()!)
                    ? null
                    : new Refusal(at, $"{at} must be an ISO 8601 date-time for a DateTime question");
            case "Date":
                return answer.ValueKind == JsonValueKind.String && Fields.IsIsoDate(answer.GetString()!)
                    ? null
                    : new Refusal(at, $"{at} must be a date (yyyy-MM-dd) for a Date question");
            default: // AttachmentList
                return Fields.Array(answer, at, 0) ?? Fields.Texts(answer, at);
        }
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
