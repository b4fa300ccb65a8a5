using System.Text.Json.Nodes;

namespace KaizalaBatch.Actions;

/// <summary>Job: <b>title</b>, <b>assignedTo</b> (phone numbers with country code), dueDate in hours (default 24).</summary>
public sealed class JobRules : IActionRules
{
    public const long DefaultDueDate = 24;

    public string Type => "Job";

    public void Apply(JsonObject body, JsonObject? extra, BodyChecker checker)
    {
        checker.RequiredString(body, "title");
        checker.Phones(body, "assignedTo", required: true);
        checker.Integer(body, "dueDate", DefaultDueDate, minimum: 1);
    }
}
