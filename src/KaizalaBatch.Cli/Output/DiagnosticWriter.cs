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

    public void Write(Diagnostic diagnostic)
    {
        if (diagnostic.Severity == Severity.Error)
        {
            Errors++;
        }
        else
        {
            Warnings++;
        }
        error.WriteLine(diagnostic.ToString());
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
            error.WriteLine($"... and {UnprintedItemErrors} more item errors (plan --json FILE lists every one).");
        }
    }
}
