using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.Actions;

/// <summary>Survey: <b>title</b>, <b>questions</b>; dueDate hours (default 24); isAnonymous, isSenderOnly,
/// acceptMultipleResponses (default false). Question types in any case, sent in PascalCase; options required for
/// SingleOption and MultiOption, and an error on other types (an empty list there is dropped).</summary>
public sealed class SurveyRules : IActionRules
{
    public const long DefaultDueDate = 24;

    public static readonly IReadOnlyList<string> QuestionTypes =
        ["Text", "SingleOption", "MultiOption", "Numeric", "Image", "Location", "DateTime", "Date", "AttachmentList"];

    public string Type => "Survey";

    public void Apply(JsonObject body, JsonObject? extra, BodyChecker checker)
    {
        checker.RequiredString(body, "title");
        checker.Integer(body, "dueDate", DefaultDueDate, minimum: 1);
        checker.Boolean(body, "isAnonymous", false);
        checker.Boolean(body, "isSenderOnly", false);
        checker.Boolean(body, "acceptMultipleResponses", false);
        var questions = checker.Array(body, "questions", required: true, nonEmpty: true);
        if (questions is null)
        {
            return;
        }
        using var inQuestions = checker.Enter("questions");
        for (var i = 0; i < questions.Count; i++)
        {
            using var inQuestion = checker.Enter(i);
            if (checker.Object(questions[i]) is not { } question)
            {
                continue;
            }
            checker.RequiredString(question, "title");
            var type = checker.Enum(question, "type", QuestionTypes, required: true);
            checker.Boolean(question, "isInvisible", null);
            if (type is "SingleOption" or "MultiOption")
            {
                Options(question, checker);
            }
            else if (type is not null && question.ContainsKey("options"))
            {
                if (question["options"] is JsonArray { Count: 0 } or null)
                {
                    question.Remove("options");
                }
                else
                {
                    checker.Error(DiagnosticCodes.FieldValue, "options", $"options belong to SingleOption and MultiOption questions, not {type}");
                }
            }
        }
    }

    private static void Options(JsonObject question, BodyChecker checker)
    {
        var options = checker.Array(question, "options", required: true, nonEmpty: true);
        if (options is null)
        {
            return;
        }
        using var inOptions = checker.Enter("options");
        for (var j = 0; j < options.Count; j++)
        {
            using var inOption = checker.Enter(j);
            // A plain string is shorthand for { title: "..." }.
            if (options[j] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            {
                options[j] = new JsonObject { ["title"] = value.GetValue<string>() };
            }
            if (checker.Object(options[j]) is { } option)
            {
                checker.RequiredString(option, "title");
            }
        }
    }
}
