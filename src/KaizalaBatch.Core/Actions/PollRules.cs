using System.Text.Json;
using System.Text.Json.Nodes;

namespace KaizalaBatch.Actions;

/// <summary>Poll: <b>question</b>, <b>choices</b> (each <c>{ title, image? }</c>, a plain string meaning its title);
/// expiryInHours (default 720). A choice's image is a mediaResource and may be a local image file.</summary>
public sealed class PollRules : IActionRules
{
    public const long DefaultExpiryInHours = 720;

    public string Type => "Poll";

    public void Apply(JsonObject body, JsonObject? extra, BodyChecker checker)
    {
        const string path = "actionBody";
        checker.RequiredString(body, "question", path);
        checker.Integer(body, "expiryInHours", path, DefaultExpiryInHours, minimum: 1);
        var choices = checker.Array(body, "choices", path, required: true, nonEmpty: true);
        if (choices is null)
        {
            return;
        }
        for (var i = 0; i < choices.Count; i++)
        {
            var choicePath = BodyChecker.Child(BodyChecker.Child(path, "choices"), i);
            if (choices[i] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            {
                choices[i] = new JsonObject { ["title"] = value.GetValue<string>() };
            }
            if (checker.Object(choices[i], choicePath) is not { } choice)
            {
                continue;
            }
            checker.RequiredString(choice, "title", choicePath);
            if (choice.ContainsKey("image"))
            {
                checker.MediaResource(choice, "image", -1, BodyChecker.Child(choicePath, "image"),
                    BodyChecker.Pointer(BodyChecker.Pointer(BodyChecker.Pointer("", "choices"), i), "image"), MediaKind.Image, required: false);
            }
        }
    }
}
