using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.Cli.Output;

/// <summary>Prints diagnostics, one a line, to stderr, and counts them. Item errors are capped so that a million
/// invalid rows do not flood the terminal; the count stays exact and --json has them all.</summary>
public sealed class DiagnosticWriter(TextWriter error, int maxItemErrors = 200)
{
    private int printedItemErrors;

    public int Errors { get; private set; }

    public int Warnings { get; private set; }

    public int UnprintedItemErrors { get; private set; }

    /// <summary>The texts printed so far, so that each diagnostic is printed (and counted) once: two actions reading
    /// one CSV file find its mistakes twice. Bounded, for a file with a million broken rows.</summary>
    private readonly HashSet<string> printed = new(StringComparer.Ordinal);
    private const int MaxRemembered = 100_000;

    public void Write(Diagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        var text = diagnostic.ToString();
        if (printed.Contains(text))
        {
            return;
        }
        if (printed.Count < MaxRemembered)
        {
            printed.Add(text);
        }
        if (diagnostic.Severity == Severity.Error)
        {
            Errors++;
        }
        else
        {
            Warnings++;
        }
        error.WriteLine(text);
    }

    /// <summary>An invalid item's errors: counted apart from input errors (they make exit code 1, not 2).</summary>
    public void WriteItemErrors(IReadOnlyList<Diagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            if (printedItemErrors < maxItemErrors)
            {
                printedItemErrors++;
                error.WriteLine(diagnostic.ToString());
            }
            else
            {
                UnprintedItemErrors++;
            }
        }
    }

    public void WriteOmittedNote()
    {
        if (UnprintedItemErrors > 0)
        {
            error.WriteLine($"... and {Counted.Of(UnprintedItemErrors, "more item error")} (plan --json FILE lists every one).");
        }
    }
}
