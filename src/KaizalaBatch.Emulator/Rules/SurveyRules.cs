using System.Text.Json;

namespace KaizalaBatch.Emulator.Rules;

/// <summary>
/// Survey: title, questions (title, type in any case, options for SingleOption and MultiOption),
/// dueDate (hours, integer), isAnonymous / isSenderOnly / acceptMultipleResponses booleans.
/// </summary>
internal static class SurveyRules
{
    public const int DefaultDueHours = 24;

    private static readonly string[] QuestionTypes =
        ["Text", "SingleOption", "MultiOption", "Numeric", "Image", "Location", "DateTime", "Date", "AttachmentList"];

    /// <summary>The canonical spelling of a question type given in any case, or null.</summary>
    public static string? CanonicalQuestionType(string name) =>
        QuestionTypes.FirstOrDefault(t => string.Equals(t, name, StringComparison.OrdinalIgnoreCase));

    public static bool TakesOptions(string canonicalType) => canonicalType is "SingleOption" or "MultiOption";

    public static Refusal? Check(JsonElement body, string path)
    {
        if (Fields.RequiredText(body, "title", path, out _) is { } badTitle)
        {
            return badTitle;
        }

        if (Fields.RequiredArray(body, "questions", path, 1, out var questions) is { } badQuestions)
        {
            return badQuestions;
        }

        var i = 0;
        foreach (var question in questions.EnumerateArray())
        {
            if (CheckQuestion(question, Fields.At(Fields.At(path, "questions"), i++)) is { } refusal)
            {
                return refusal;
            }
        }

        return Fields.OptionalPositiveInteger(body, "dueDate", path)
            ?? Fields.OptionalBoolean(body, "isAnonymous", path)
            ?? Fields.OptionalBoolean(body, "isSenderOnly", path)
            ?? Fields.OptionalBoolean(body, "acceptMultipleResponses", path);
    }

    private static Refusal? CheckQuestion(JsonElement question, string at)
    {
        if (Fields.RequireObject(question, at) is { } notObject)
        {
            return notObject;
        }

        if (Fields.RequiredText(question, "title", at, out _) is { } badTitle)
        {
            return badTitle;
        }

        if (Fields.RequiredText(question, "type", at, out var typeName) is { } badType)
        {
            return badType;
        }

        var type = CanonicalQuestionType(typeName);
        if (type is null)
        {
            var typeAt = Fields.At(at, "type");
            return new Refusal(typeAt, $"{typeAt} '{typeName}' is not one of {string.Join(", ", QuestionTypes)}");
        }

        if (Fields.OptionalBoolean(question, "isInvisible", at) is { } badInvisible)
        {
            return badInvisible;
        }

        // options are meaningless for the other types: the service ignores them there.
        if (!TakesOptions(type))
        {
            return null;
        }

        var optionsAt = Fields.At(at, "options");
        if (!Fields.TryGet(question, "options", out var options))
        {
            return new Refusal(optionsAt, $"{optionsAt} is required for {type} questions");
        }

        if (Fields.Array(options, optionsAt, 1) is { } badOptions)
        {
            return badOptions;
        }

        var j = 0;
        foreach (var option in options.EnumerateArray())
        {
            var optionAt = Fields.At(optionsAt, j++);
            if ((Fields.RequireObject(option, optionAt) ?? Fields.RequiredText(option, "title", optionAt, out _)) is { } badOption)
            {
                return badOption;
            }
        }

        return null;
    }
}
