using KaizalaBatch.Planning;

namespace KaizalaBatch.Reports;

/// <summary>Collects the HTML preview while the plan streams past: items of one action and plan class whose bodies have
/// the same shape become one card with a row each. Cards and rows are capped, so that the page of a million-row plan
/// still opens; the summary on top and each card's count take in every item.</summary>
/// <param name="maxCards">Cards kept for invalid items, and again for the others.</param>
/// <param name="maxRowsPerCard">Rows drawn in one card's table; the rest are counted.</param>
/// <param name="maxRows">Rows drawn in all, for invalid items and again for the others.</param>
public sealed class PreviewCollector(int maxCards = 500, int maxRowsPerCard = 200, int maxRows = 5_000)
{
    // Invalid items have room of their own: what the user must fix is drawn even after a million valid items.
    private readonly Pool invalid = new(maxCards, maxRowsPerCard, maxRows);
    private readonly Pool others = new(maxCards, maxRowsPerCard, maxRows);

    public void Add(PlannedItem planned)
    {
        ArgumentNullException.ThrowIfNull(planned);
        (planned.Category == PlanCategory.Invalid ? invalid : others).Add(planned);
    }

    public void Write(TextWriter writer, string runName, IReadOnlyList<KeyValuePair<string, PlanCounts>> counts, IReadOnlyDictionary<string, string> actionTypes)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(actionTypes);
        var cards = invalid.Cards.Concat(others.Cards.OrderBy(card => Rank(card.Category))).ToList();
        var summary = counts.Select(pair => new PreviewSummaryRow(pair.Key, actionTypes.GetValueOrDefault(pair.Key, ""),
            Enum.GetValues<PlanCategory>().ToDictionary(PlanText.Of, category => (long)pair.Value[category]))).ToList();
        HtmlPreview.Write(writer, runName, summary, cards, invalid.ItemsWithoutCard + others.ItemsWithoutCard);
    }

    /// <summary>The order of the cards: what must be fixed, then what changed since it was sent (skipped unless
    /// <c>--resend-changed</c>, so worth a look), then what a run would send or settle, then what stays as it is.
    /// The sort is stable: within a rank, cards keep the plan's order.</summary>
    private static int Rank(PlanCategory category) => category switch
    {
        PlanCategory.Invalid => 0,
        PlanCategory.Changed => 1,
        PlanCategory.Unchanged => 3,
        _ => 2,
    };

    private sealed class Pool(int maxCards, int maxRowsPerCard, int maxRows)
    {
        private readonly Dictionary<(string Action, PlanCategory Category, string Shape), PreviewCard> byShape = [];
        private long drawnRows;

        public List<PreviewCard> Cards { get; } = [];

        /// <summary>Items of a shape that came after the cards ran out: counted in the summary, drawn nowhere.</summary>
        public long ItemsWithoutCard { get; private set; }

        public void Add(PlannedItem planned)
        {
            var item = planned.Item;
            var shape = PayloadShape.Of(item.Body, item.Extra, withPointers: false);
            var key = (item.Action, planned.Category, shape.Key);
            if (!byShape.TryGetValue(key, out var card))
            {
                if (Cards.Count >= maxCards)
                {
                    ItemsWithoutCard++;
                    return;
                }
                card = new PreviewCard(item, planned.Category, PayloadShape.Of(item.Body, item.Extra, withPointers: true));
                byShape.Add(key, card);
                Cards.Add(card);
            }
            var draw = card.Rows.Count < maxRowsPerCard && drawnRows < maxRows;
            if (draw)
            {
                drawnRows++;
            }
            card.Add(item, shape, draw);
        }
    }
}
