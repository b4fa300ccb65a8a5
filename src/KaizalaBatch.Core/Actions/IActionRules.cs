using System.Text.Json.Nodes;

namespace KaizalaBatch.Actions;

/// <summary>The rules of one action type: which fields it needs, their types, its documented defaults and its
/// normalisation. Each type lives in its own file; <see cref="ActionRegistry"/> finds them by name.</summary>
public interface IActionRules
{
    /// <summary>The type's PascalCase name, as sent in <c>actionType</c> (Custom: never sent; the package id is).</summary>
    string Type { get; }

    /// <summary>Whether this is an Action package instance, sent with <c>id</c> instead of <c>actionType</c>.</summary>
    bool IsCustom => false;

    /// <summary>Checks and normalises <paramref name="body"/> (the actionBody) in place; mistakes go to <paramref name="checker"/>.</summary>
    /// <param name="extra">Top-level request fields besides the body (Custom only), or null.</param>
    void Apply(JsonObject body, JsonObject? extra, BodyChecker checker);
}

/// <summary>Finds the rules of an action type by name, in any case.</summary>
public static class ActionRegistry
{
    private static readonly IActionRules[] Rules =
    [
        new JobRules(), new SurveyRules(), new PollRules(), new AnnouncementRules(), new LetsMeetRules(),
        new MediaActionRules("Image", MediaKind.Image), new MediaActionRules("Album", MediaKind.Image),
        new MediaActionRules("Audio", MediaKind.Audio), new MediaActionRules("Document", MediaKind.Document),
        new MediaActionRules("Video", MediaKind.Video), new CustomRules(),
    ];

    private static readonly Dictionary<string, IActionRules> ByName = Rules.ToDictionary(r => r.Type, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> Types { get; } = Rules.Select(r => r.Type).ToArray();

    public static IActionRules? Find(string type) => ByName.GetValueOrDefault(type.Trim());
}
