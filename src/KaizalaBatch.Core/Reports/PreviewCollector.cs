using KaizalaBatch.Planning;

namespace KaizalaBatch.Reports;

/// <summary>Keeps the cards the HTML preview draws: invalid items first, then the rest, up to a cap, so that the page of
/// a million-row plan still opens; the summary on top counts every item.</summary>
public sealed class PreviewCollector(int maxCards = 1000)
{
    private readonly List<PreviewCard> invalid = [];
    private readonly List<PreviewCard> others = [];
    private long seen;

    public void Add(PlannedItem planned)
    {
        ArgumentNullException.ThrowIfNull(planned);
        seen++;
        var list = planned.Category == PlanCategory.Invalid ? invalid : others;
        if (list.Count < maxCards)
        {
            list.Add(new PreviewCard(planned.Item, PlanText.Of(planned.Category)));
        }
    }

    public void Write(TextWriter writer, string runName, IReadOnlyList<KeyValuePair<string, PlanCounts>> counts, IReadOnlyDictionary<string, string> actionTypes)
    {
        var cards = invalid.Concat(others).Take(maxCards).ToList();
        var summary = counts.Select(pair => new PreviewSummaryRow(pair.Key, actionTypes.GetValueOrDefault(pair.Key, ""),
            Enum.GetValues<PlanCategory>().ToDictionary(PlanText.Of, category => (long)pair.Value[category]))).ToList();
        HtmlPreview.Write(writer, runName, summary, cards, seen - cards.Count);
    }
}
