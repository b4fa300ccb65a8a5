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
        const string path = "actionBody";
        checker.RequiredString(body, "title", path);
        checker.Integer(body, "dueDate", path, DefaultDueDate, minimum: 1);
        checker.Boolean(body, "isAnonymous", path, false);
        checker.Boolean(body, "isSenderOnly", path, false);
        checker.Boolean(body, "acceptMultipleResponses", path, false);
        var questions = checker.Array(body, "questions", path, required: true, nonEmpty: true);
        if (questions is null)
        {
            return;
        }
        for (var i = 0; i < questions.Count; i++)
        {
            var questionPath = BodyChecker.Child(BodyChecker.Child(path, "questions"), i);
            if (checker.Object(questions[i], questionPath) is not { } question)
            {
                continue;
            }
            checker.RequiredString(question, "title", questionPath);
            var type = checker.Enum(question, "type", questionPath, QuestionTypes, required: true);
            checker.Boolean(question, "isInvisible", questionPath, null);
            var hasOptions = question.ContainsKey("options");
            if (type is "SingleOption" or "MultiOption")
            {
                Options(question, questionPath, checker);
            }
            else if (type is not null && hasOptions)
            {
                if (question["options"] is JsonArray { Count: 0 } or null)
                {
                    question.Remove("options");
                }
                else
                {
                    checker.Error(DiagnosticCodes.FieldValue, BodyChecker.Child(questionPath, "options"), $"options belong to SingleOption and MultiOption questions, not {type}");
                }
            }
        }
    }

    private static void Options(JsonObject question, string questionPath, BodyChecker checker)
    {
        var options = checker.Array(question, "options", questionPath, required: true, nonEmpty: true);
        if (options is null)
        {
            return;
        }
        for (var j = 0; j < options.Count; j++)
        {
            var optionPath = BodyChecker.Child(BodyChecker.Child(questionPath, "options"), j);
            // A plain string is shorthand for { title: "..." }.
            if (options[j] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String)
            {
                options[j] = new JsonObject { ["title"] = value.GetValue<string>() };
            }
            if (checker.Object(options[j], optionPath) is { } option)
            {
                checker.RequiredString(option, "title", optionPath);
            }
        }
    }
}
