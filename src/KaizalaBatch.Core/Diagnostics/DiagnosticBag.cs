namespace KaizalaBatch.Diagnostics;

/// <summary>Where a use case puts the mistakes it finds, as actions/runner's <c>TemplateValidationErrors</c> does: counted
/// exactly, each reported once (two actions reading one CSV file find its mistakes twice), and invalid items' errors
/// capped so that a million broken rows neither flood a terminal nor fill memory. Whoever hosts the use case (the CLI)
/// is told of each one as it is found, to print it; the bag keeps the first <see cref="MaxKept"/> for a caller that reads
/// them afterwards (a test, a library user).</summary>
public sealed class DiagnosticBag(Action<Diagnostic>? reported = null, int maxItemErrors = 200)
{
    /// <summary>How many diagnostics <see cref="Kept"/> holds at most.</summary>
    public const int MaxKept = 1000;

    private const int MaxRemembered = 100_000;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<Diagnostic> _kept = [];
    private int _reportedItemErrors;

    /// <summary>Input errors: they make the input unusable (exit 2).</summary>
    public int Errors { get; private set; }

    public int Warnings { get; private set; }

    /// <summary>Invalid items' errors beyond the cap: counted, not reported (plan --json lists every one).</summary>
    public int UnreportedItemErrors { get; private set; }

    /// <summary>The first <see cref="MaxKept"/> diagnostics reported, in order.</summary>
    public IReadOnlyList<Diagnostic> Kept => _kept;

    /// <summary>An input error or warning; a repeat of one already added is dropped.</summary>
    public void Add(Diagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        var text = diagnostic.ToString();
        if (_seen.Contains(text))
        {
            return;
        }
        if (_seen.Count < MaxRemembered)
        {
            _seen.Add(text);
        }
        if (diagnostic.Severity == Severity.Error)
        {
            Errors++;
        }
        else
        {
            Warnings++;
        }
        Report(diagnostic);
    }

    /// <summary>An invalid item's errors: counted apart from input errors (they make exit code 1, not 2), and capped.</summary>
    public void AddItemErrors(IReadOnlyList<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        foreach (var diagnostic in diagnostics)
        {
            if (_reportedItemErrors < maxItemErrors)
            {
                _reportedItemErrors++;
                Report(diagnostic);
            }
            else
            {
                UnreportedItemErrors++;
            }
        }
    }

    private void Report(Diagnostic diagnostic)
    {
        if (_kept.Count < MaxKept)
        {
            _kept.Add(diagnostic);
        }
        reported?.Invoke(diagnostic);
    }
}
