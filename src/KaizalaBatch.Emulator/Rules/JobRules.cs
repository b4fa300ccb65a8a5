using System.Text.Json;

namespace KaizalaBatch.Emulator.Rules;

/// <summary>Job: title, assignedTo (phones), dueDate (hours, integer, default 24).</summary>
internal static class JobRules
{
    public const int DefaultDueHours = 24;

    public static Refusal? Check(JsonElement body, string path) =>
        Fields.RequiredText(body, "title", path, out _)
        ?? Fields.RequiredArray(body, "assignedTo", path, 1, out var assignees)
        ?? Fields.Phones(assignees, Fields.At(path, "assignedTo"))
        ?? Fields.OptionalPositiveInteger(body, "dueDate", path);
}
