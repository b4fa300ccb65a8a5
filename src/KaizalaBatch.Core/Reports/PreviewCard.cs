using KaizalaBatch.Actions;
using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Reports;

/// <summary>One item in a card's table: who it goes to, where it came from, and its value at each leaf of the card's
/// shape (the first item's own string where it is the same, so that only values that vary take memory).</summary>
public sealed record PreviewRow(string Key, string GroupId, string? GroupName, IReadOnlyList<long> Rows, IReadOnlyList<string> Values,
    IReadOnlyList<Diagnostic> Errors, IReadOnlyList<MediaFile> Media);

/// <summary>The items of one action and one plan class whose request bodies have the same shape, so that they differ
/// only in the values their templates filled in: drawn as one card (the first item as a member would see it) with a
/// table of the values that vary, one row per item. Built while the plan streams past; keeps at most
/// <c>maxRows</c> rows and counts the rest.</summary>
public sealed class PreviewCard
{
    private readonly List<PreviewRow> rows = [];
    private readonly bool[] varies;
    private readonly string[] firstValues;
    private readonly IReadOnlyList<JsonNode?> firstLeaves;

    public PreviewCard(RenderedItem first, PlanCategory category, PayloadShape shape)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(shape);
        First = first;
        Category = category;
        Pointers = shape.Pointers ?? throw new ArgumentException("The first item's shape must carry its pointers.", nameof(shape));
        firstLeaves = shape.Leaves;
        firstValues = firstLeaves.Select(PayloadShape.Display).ToArray();
        varies = new bool[firstLeaves.Count];
    }

    /// <summary>The item whose body the card shows.</summary>
    public RenderedItem First { get; }

    public PlanCategory Category { get; }

    public string PlanClass => PlanText.Of(Category);

    /// <summary>Where each leaf stands (see <see cref="PayloadShape.Pointers"/>).</summary>
    public IReadOnlyList<string> Pointers { get; }

    /// <summary>Every item of the card, drawn or not.</summary>
    public long Count { get; private set; }

    public IReadOnlyList<PreviewRow> Rows => rows;

    /// <summary>The indexes of the leaves whose value is not the same in every item.</summary>
    public IEnumerable<int> Varying => Enumerable.Range(0, varies.Length).Where(i => varies[i]);

    /// <summary>The first item's leaf nodes that vary, to mark them where the card shows its body.</summary>
    public IReadOnlySet<JsonNode> VaryingNodes() =>
        Varying.Select(i => firstLeaves[i]).OfType<JsonNode>().ToHashSet<JsonNode>(ReferenceEqualityComparer.Instance);

    /// <summary>Whether a leaf is a local media file (its values are paths, shown with a thumbnail for an image).</summary>
    public bool IsLocalFile(int leaf) => PayloadShape.MediaPath(firstLeaves[leaf]) is not null;

    /// <summary>Adds an item of this card's shape; it gets a row when <paramref name="draw"/> says there is room.</summary>
    public void Add(RenderedItem item, PayloadShape shape, bool draw)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(shape);
        Count++;
        var values = draw ? new string[firstValues.Length] : null;
        for (var i = 0; i < firstValues.Length; i++)
        {
            var same = ReferenceEquals(shape.Leaves[i], firstLeaves[i]) || JsonNode.DeepEquals(shape.Leaves[i], firstLeaves[i]);
            varies[i] |= !same;
            if (values is not null)
            {
                values[i] = same ? firstValues[i] : PayloadShape.Display(shape.Leaves[i]);
            }
        }
        if (values is not null)
        {
            rows.Add(new PreviewRow(item.Key, item.GroupId, string.IsNullOrWhiteSpace(item.GroupName) ? null : item.GroupName.Trim(),
                item.Rows, values, item.Errors, item.Media));
        }
    }
}
