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
        checker.RequiredString(body, "question");
        checker.Integer(body, "expiryInHours", DefaultExpiryInHours, minimum: 1);
        var choices = checker.Array(body, "choices", required: true, nonEmpty: true);
        if (choices is null)
        {
            return;
        }
        using var inChoices = checker.Enter("choices");
        for (var i = 0; i < choices.Count; i++)
        {
            using var inChoice = checker.Enter(i);
            if (choices[i] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            {
                choices[i] = new JsonObject { ["title"] = value.GetValue<string>() };
            }
            if (checker.Object(choices[i]) is not { } choice)
            {
                continue;
            }
            checker.RequiredString(choice, "title");
            if (choice.ContainsKey("image"))
            {
                checker.MediaResource(choice, "image", -1, MediaKind.Image, required: false);
            }
        }
    }
}
