using System.Text.Json.Nodes;

namespace KaizalaBatch.Emulator.State;

/// <summary>
/// Counts of API calls by route template and outcome. The outcome is the HTTP status code, or
/// <c>reset</c> / <c>accept-drop</c> for connections the emulator aborted, or <c>client-abort</c>
/// when the client went away before its answer.
/// </summary>
internal sealed class CallStats
{
    private readonly Lock gate = new();
    private readonly SortedDictionary<string, SortedDictionary<string, long>> routes = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> total = new(StringComparer.Ordinal);

    public void Record(string route, string outcome)
    {
        lock (gate)
        {
            if (!routes.TryGetValue(route, out var counts))
            {
                counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
                routes[route] = counts;
            }

            counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
            total[outcome] = total.GetValueOrDefault(outcome) + 1;
        }
    }

    public JsonObject ToJson()
    {
        lock (gate)
        {
            var byRoute = new JsonObject();
            foreach (var (route, counts) in routes)
            {
                byRoute[route] = Counts(counts);
            }

            return new JsonObject { ["routes"] = byRoute, ["total"] = Counts(total) };
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            routes.Clear();
            total.Clear();
        }
    }

    private static JsonObject Counts(SortedDictionary<string, long> counts)
    {
        var json = new JsonObject();
        foreach (var (outcome, count) in counts)
        {
            json[outcome] = count;
        }

        return json;
    }
}
