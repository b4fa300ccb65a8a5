using System.Text.Json;

namespace KaizalaBatch.Emulator.Rules;

/// <summary>Poll: question, choices ({title, image?}), expiryInHours (integer, default 720).</summary>
internal static class PollRules
{
    public const int DefaultExpiryHours = 720;

    public static Refusal? Check(JsonElement body, string path)
    {
        if (Fields.RequiredText(body, "question", path, out _) is { } badQuestion)
        {
            return badQuestion;
        }

        if (Fields.RequiredArray(body, "choices", path, 1, out var choices) is { } badChoices)
        {
            return badChoices;
        }

        var i = 0;
        foreach (var choice in choices.EnumerateArray())
        {
            var at = Fields.At(Fields.At(path, "choices"), i++);
            if ((Fields.RequireObject(choice, at) ?? Fields.RequiredText(choice, "title", at, out _)) is { } badChoice)
            {
                return badChoice;
            }

            if (Fields.TryGet(choice, "image", out var image) && Fields.Text(image, Fields.At(at, "image"), out _) is { } badImage)
            {
                return badImage;
            }
        }

        return Fields.OptionalPositiveInteger(body, "expiryInHours", path);
    }
}
