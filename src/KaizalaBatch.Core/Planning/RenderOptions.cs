namespace KaizalaBatch.Planning;

/// <summary>How <see cref="ItemRenderer"/> renders a run.</summary>
/// <param name="StartedAt">The value templates see as <c>run.startedAt</c>. The content hash covers whatever a
/// template renders, so a template that uses <c>run.startedAt</c> changes its items' hashes whenever this value
/// changes. The CLI must therefore pass a value that stays the same between plan and run and between runs of the
/// same file: the ledger's creation time when the ledger exists, otherwise the current time (then every item is new
/// anyway, so nothing compares against it). Scriban's <c>date.now</c> and <c>date.utc_now</c> give this value too,
/// so no template reads the clock.</param>
public sealed record RenderOptions(DateTimeOffset StartedAt)
{
    /// <summary><c>--only ACTION</c>: render only these actions (by name; others are neither rendered nor checked).
    /// Null renders every action. Filtering here, before rendering, keeps <c>--only</c> cheap on large files.</summary>
    public IReadOnlySet<string>? Only { get; init; }

    /// <summary>How many threads render, check and hash items (the CSV is always read on the caller's thread and the
    /// items come out in file order). 1 renders on the caller's thread alone.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;
}
