using System.Globalization;

namespace KaizalaBatch.Reliability.Tests;

/// <summary>How big each scenario is. CI runs the reduced form; <c>scripts/reliability.sh</c> sets
/// <c>KB_RELIABILITY_FULL=1</c> for the full one and <c>KB_RELIABILITY_REPORT</c> to collect one table row per scenario.</summary>
public static class Scale
{
    public static bool Full { get; } = Environment.GetEnvironmentVariable("KB_RELIABILITY_FULL") == "1";

    public static int Pick(int reduced, int full) => Full ? full : reduced;

    /// <summary>Appends "scenario|items|duplicates|lost|held|result" to the report file, when the script asked for one.
    /// <paramref name="held"/>: items the run held in doubt (their type cannot be read back) until the operator's resolve.</summary>
    public static void Report(string scenario, int items, int duplicates, int lost, string result, int held = 0)
    {
        if (Environment.GetEnvironmentVariable("KB_RELIABILITY_REPORT") is { Length: > 0 } path)
        {
            File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{scenario}|{items}|{duplicates}|{lost}|{held}|{result}\n"));
        }
    }
}
