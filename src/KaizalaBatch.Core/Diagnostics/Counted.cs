using System.Globalization;

namespace KaizalaBatch.Diagnostics;

/// <summary>A count with its noun in the right number: "1 error", "2 errors", "0 items".</summary>
public static class Counted
{
    public static string Of(long count, string singular, string? plural = null) =>
        count.ToString("N0", CultureInfo.InvariantCulture) + " " + (count == 1 ? singular : plural ?? singular + "s");
}
