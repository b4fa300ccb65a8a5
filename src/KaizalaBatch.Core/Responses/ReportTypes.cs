using System.Text.Json.Nodes;

namespace KaizalaBatch.Responses;

/// <summary>How the responses of an Action type are read back: the list call's <c>responseCount</c> first and details
/// only when it changed (Survey, Job), the details call every time (Poll: its summary carries no count), or not at all
/// (the service cannot list the type, or the type takes no responses).</summary>
public enum ReadMode
{
    Listed,
    Details,
    None,
}

/// <summary>One response as the details call gives it (action_responses.md).</summary>
public sealed record ResponseRecord(string ResponseId, string? Responder, DateTimeOffset? At, JsonObject Body);

/// <summary>Items of an action whose responses are not read, and why.</summary>
public sealed record SkippedAction(string Action, string Type, int Items, string Reason);

/// <summary>What a report will cost before it starts: the list calls (one per group and type) and Poll details calls it
/// makes for certain, then a details call for each listed item whose response count changed (at most
/// <paramref name="MaxDetailCalls"/>).</summary>
public sealed record ReadPlan(int Items, int ListCalls, int PollCalls, int MaxDetailCalls, int PerMinute, IReadOnlyList<SkippedAction> Skipped)
{
    public int MinCalls => ListCalls + PollCalls;

    public int MaxCalls => MinCalls + MaxDetailCalls;

    /// <summary>How long <paramref name="calls"/> take at the configured pace (zero when unlimited).</summary>
    public TimeSpan Duration(int calls) => PerMinute <= 0 ? TimeSpan.Zero : TimeSpan.FromMinutes((double)calls / PerMinute);
}

/// <summary>How far the read has come: calls made, and items whose responses are known.</summary>
public sealed record ReadProgress(int Calls, int ItemsRead, int Items);

/// <summary>What the read cost: list and details calls made, items answered from the ledger without a details call, and
/// items that could not be read (their last known responses, if any, are shown).</summary>
public sealed record ReadStats(int ListCalls, int DetailCalls, int FromCache, int Failed)
{
    public int Calls => ListCalls + DetailCalls;
}

/// <summary>The whole report: per action, per question, per item.</summary>
public sealed record Report(
    string RunName,
    DateTimeOffset GeneratedAt,
    ReadStats Reads,
    IReadOnlyList<ActionReport> Actions,
    IReadOnlyList<ItemReport> Items,
    IReadOnlyList<SkippedAction> Skipped)
{
    /// <summary>0 when every item was read, 1 when some could not be (the rest of the report stands).</summary>
    public int ExitCode => Reads.Failed > 0 ? ExitCodes.SomeItemsFailed : ExitCodes.Done;
}

/// <param name="GroupsAnswered">Items (one per group) with at least one response.</param>
/// <param name="ResponseRate">GroupsAnswered / ItemsSent (0 when nothing was sent).</param>
public sealed record ActionReport(
    string Action,
    string Type,
    int ItemsSent,
    int GroupsAnswered,
    int Responses,
    double ResponseRate,
    IReadOnlyList<QuestionReport> Questions,
    JobTally? Job,
    IReadOnlyList<OptionCount>? Choices);

/// <summary>One Survey question across all the action's items. Only the parts that fit its type are set.</summary>
/// <param name="Index">0-based, as the answers array counts.</param>
/// <param name="Answered">Responses that answered it (a null answer is no answer).</param>
public sealed record QuestionReport(
    int Index,
    string Title,
    string Type,
    int Answered,
    IReadOnlyList<OptionCount>? Options = null,
    NumericSummary? Numbers = null,
    IReadOnlyList<ItemAnswer>? Answers = null);

/// <param name="Share">Count / answers to the question (a MultiOption's shares can add up to more than 1).</param>
public sealed record OptionCount(string Title, int Count, double Share);

public sealed record NumericSummary(int Count, double Min, double Median, double Mean, double Max);

/// <summary>One answer kept as such (Text, Location, Date, DateTime, Image): which item it came from and what it said.
/// A location reads <c>name (lat, long)</c>; a date is ISO 8601.</summary>
public sealed record ItemAnswer(string Key, string GroupId, string Value, double? Latitude = null, double? Longitude = null);

/// <param name="Overdue">Open assignments of jobs whose due time has passed.</param>
public sealed record JobTally(int Assignees, int Completed, int Open, int Overdue);

/// <summary>One sent item: its group, key, CSV row, responses.</summary>
/// <param name="Columns">The item's (first) CSV row, column by column, so a reader can sort by region or site.</param>
/// <param name="Completed">Job: assignees who marked it complete.</param>
/// <param name="Error">Why its responses could not be read now (the last known ones are shown), else null.</param>
public sealed record ItemReport(
    string Action,
    string Key,
    string GroupId,
    string Type,
    IReadOnlyList<KeyValuePair<string, string>> Columns,
    int? Responses,
    DateTimeOffset? LastResponseAt,
    int? Completed = null,
    string? Error = null);
