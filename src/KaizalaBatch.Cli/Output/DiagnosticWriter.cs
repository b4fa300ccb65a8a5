using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.Cli.Output;

/// <summary>Prints a use case's diagnostics to stderr, one a line, as the bag reports them.</summary>
public static class DiagnosticWriter
{
    /// <summary>A bag that prints each diagnostic the moment it is found.</summary>
    public static DiagnosticBag Printing(TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new DiagnosticBag(d => error.WriteLine(d.ToString()));
    }

    /// <summary>Says how many invalid items' errors were counted but not printed.</summary>
    public static void WriteOmittedNote(this DiagnosticBag bag, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(bag);
        ArgumentNullException.ThrowIfNull(error);
        if (bag.UnreportedItemErrors > 0)
        {
            error.WriteLine($"... and {Counted.Of(bag.UnreportedItemErrors, "more item error")} (plan --json FILE lists every one).");
        }
    }
}
