using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Api;

namespace KaizalaBatch.Responses;

/// <summary>Adds the responses read up into a <see cref="Report"/>: per action, per Survey question, per Job and Poll, per
/// item. Answers are read in the documented forms (action_responses.md): a Survey answers by question index, options by
/// title (an index is taken too), numbers as JSON numbers, places as <c>{lt, lg, n}</c> or <c>{latitude, longitude, name}</c>,
/// dates as epoch seconds or ISO 8601; a Job <c>{isCompleted}</c>; a Poll <c>{choice: index}</c>.</summary>
public static class ResponseTally
{
    public static Report Build(string runName, IReadOnlyList<ItemResponses> read, ReadStats stats, IReadOnlyList<SkippedAction> skipped, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(read);
        var actions = read.GroupBy(r => r.Item.Record.Action)
            .Where(g => g.First().Item.Mode != ReadMode.None)
            .Select(g => Action(g.Key, g.ToList(), now))
            .ToList();
        var items = read.Select(r => Item(r)).ToList();
        return new Report(runName, now, stats, actions, items, skipped);
    }

    private static ItemReport Item(ItemResponses read)
    {
        var record = read.Item.Record;
        var responses = read.Responses;
        return new ItemReport(record.Action, record.Key, record.GroupId, record.ActionType, read.Item.Columns,
            responses?.Count, responses?.Max(r => r.At),
            record.ActionType == "Job" && responses is not null ? Completed(responses) : null,
            read.Error);
    }

    private static ActionReport Action(string action, List<ItemResponses> items, DateTimeOffset now)
    {
        var type = items[0].Item.Record.ActionType;
        var answered = items.Count(i => i.Responses is { Count: > 0 });
        var responses = items.Sum(i => i.Responses?.Count ?? 0);
        return new ActionReport(action, type, items.Count, answered, responses, items.Count == 0 ? 0 : (double)answered / items.Count,
            type == "Survey" ? Questions(items) : [],
            type == "Job" ? Job(items, now) : null,
            type == "Poll" ? Choices(items) : null);
    }

    private static int Completed(IReadOnlyList<ResponseRecord> responses) =>
        responses.Count(r => r.Body["isCompleted"]?.GetValueKind() == JsonValueKind.True);

    private static JobTally Job(List<ItemResponses> items, DateTimeOffset now)
    {
        int assignees = 0, completed = 0, overdue = 0;
        foreach (var item in items)
        {
            var body = item.Item.Body;
            var assigned = (body?["assignedTo"] as JsonArray)?.Count ?? 0;
            var done = Math.Min(item.Responses is { } r ? Completed(r) : 0, assigned);
            assignees += assigned;
            completed += done;
            var dueHours = body?["dueDate"] is JsonValue due && due.TryGetValue<long>(out var hours) ? hours : Actions.JobRules.DefaultDueDate;
            if (item.Item.Record.SentAt is { } sentAt && now > sentAt + TimeSpan.FromHours(dueHours))
            {
                overdue += assigned - done;
            }
        }
        return new JobTally(assignees, completed, assignees - completed, overdue);
    }

    private static IReadOnlyList<OptionCount> Choices(List<ItemResponses> items)
    {
        var titles = Titles(items.Select(i => i.Item.Body?["choices"] as JsonArray).FirstOrDefault(c => c is not null));
        var counts = new int[titles.Count];
        var total = 0;
        foreach (var response in items.SelectMany(i => i.Responses ?? []))
        {
            if (response.Body["choice"] is JsonValue value && value.TryGetValue<int>(out var choice) && choice >= 0 && choice < counts.Length)
            {
                counts[choice]++;
                total++;
            }
        }
        return titles.Select((t, i) => new OptionCount(t, counts[i], total == 0 ? 0 : (double)counts[i] / total)).ToList();
    }

    private static List<string> Titles(JsonArray? array) =>
        array?.Select(o => (string?)(o as JsonObject)?["title"] ?? "").ToList() ?? [];

    private static IReadOnlyList<QuestionReport> Questions(List<ItemResponses> items)
    {
        var questions = items.Select(i => i.Item.Body?["questions"] as JsonArray).FirstOrDefault(q => q is not null);
        if (questions is null)
        {
            return [];
        }
        var result = new List<QuestionReport>();
        for (var index = 0; index < questions.Count; index++)
        {
            var question = questions[index] as JsonObject;
            var type = (string?)question?["type"] ?? "Text";
            var title = (string?)question?["title"] ?? $"Question {index + 1}";
            result.Add(Question(index, title, type, items));
        }
        return result;
    }

    private static QuestionReport Question(int index, string title, string type, List<ItemResponses> items)
    {
        var answered = 0;
        var options = new List<string>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var numbers = new List<double>();
        var answers = new List<ItemAnswer>();
        foreach (var item in items)
        {
            var itemOptions = Titles(((item.Item.Body?["questions"] as JsonArray)?.ElementAtOrDefault(index) as JsonObject)?["options"] as JsonArray);
            foreach (var title2 in itemOptions.Where(o => !counts.ContainsKey(o)))
            {
                options.Add(title2);
                counts[title2] = 0;
            }
            foreach (var response in item.Responses ?? [])
            {
                var answer = (response.Body["answers"] ?? response.Body["Answers"]) is JsonArray all ? all.ElementAtOrDefault(index) : null;
                if (answer is null || answer.GetValueKind() == JsonValueKind.Null)
                {
                    continue;
                }
                answered++;
                var record = item.Item.Record;
                switch (type)
                {
                    case "SingleOption":
                        Count(answer);
                        break;
                    case "MultiOption":
                        foreach (var chosen in answer as JsonArray ?? [])
                        {
                            Count(chosen);
                        }
                        break;
                    case "Numeric":
                        if (answer.GetValueKind() == JsonValueKind.Number)
                        {
                            numbers.Add(answer.GetValue<double>());
                        }
                        break;
                    case "Location":
                        var place = answer as JsonObject;
                        var lat = Number(place?["lt"] ?? place?["latitude"]);
                        var lon = Number(place?["lg"] ?? place?["longitude"]);
                        var name = (string?)(place?["n"] ?? place?["name"]);
                        answers.Add(new ItemAnswer(record.Key, record.GroupId,
                            string.Create(CultureInfo.InvariantCulture, $"{name}{(name is null ? "" : " ")}({lat}, {lon})").Trim(), lat, lon));
                        break;
                    case "Date":
                    case "DateTime":
                        var at = ReadBack.ParseTime(answer);
                        var text = at is null ? answer.ToJsonString()
                            : type == "Date" ? at.Value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                            : at.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                        answers.Add(new ItemAnswer(record.Key, record.GroupId, text));
                        break;
                    case "AttachmentList":
                        answers.Add(new ItemAnswer(record.Key, record.GroupId,
                            string.Join(", ", (answer as JsonArray ?? []).Select(a => (string?)a ?? ""))));
                        break;
                    default: // Text, Image
                        answers.Add(new ItemAnswer(record.Key, record.GroupId, answer.GetValueKind() == JsonValueKind.String ? (string)answer! : answer.ToJsonString()));
                        break;
                }

                void Count(JsonNode? chosen)
                {
                    var key = chosen?.GetValueKind() == JsonValueKind.Number && chosen.AsValue().TryGetValue<int>(out var i) && i >= 0 && i < itemOptions.Count
                        ? itemOptions[i]
                        : (string?)(chosen as JsonValue) ?? "";
                    if (!counts.ContainsKey(key))
                    {
                        options.Add(key);
                        counts[key] = 0;
                    }
                    counts[key]++;
                }
            }
        }
        return type switch
        {
            "SingleOption" or "MultiOption" => new QuestionReport(index, title, type, answered,
                Options: options.Select(o => new OptionCount(o, counts[o], answered == 0 ? 0 : (double)counts[o] / answered)).ToList()),
            "Numeric" => new QuestionReport(index, title, type, answered, Numbers: Summarise(numbers)),
            _ => new QuestionReport(index, title, type, answered, Answers: answers),
        };
    }

    private static double? Number(JsonNode? node) => node?.GetValueKind() == JsonValueKind.Number ? node.GetValue<double>() : null;

    private static NumericSummary? Summarise(List<double> numbers)
    {
        if (numbers.Count == 0)
        {
            return null;
        }
        numbers.Sort();
        var middle = numbers.Count / 2;
        var median = numbers.Count % 2 == 1 ? numbers[middle] : (numbers[middle - 1] + numbers[middle]) / 2;
        return new NumericSummary(numbers.Count, numbers[0], median, numbers.Average(), numbers[^1]);
    }
}
