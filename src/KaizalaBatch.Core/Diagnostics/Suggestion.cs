namespace KaizalaBatch.Diagnostics;

/// <summary>"Did you mean": the known name closest to a misspelled one, when it is close enough to be a typo.</summary>
public static class Suggestion
{
    /// <summary>The closest of <paramref name="known"/> to <paramref name="given"/> (ignoring case), or null when none
    /// is within a third of the name's length in edits (at least one, at most three); failing that, a name that the
    /// other starts with (<c>sitename</c> and <c>site</c>).</summary>
    public static string? Closest(string given, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(given);
        ArgumentNullException.ThrowIfNull(known);
        var limit = Math.Clamp(given.Length / 3, 1, 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var name in known)
        {
            var distance = Distance(given.ToLowerInvariant(), name.ToLowerInvariant());
            if (distance <= limit && distance < bestDistance)
            {
                best = name;
                bestDistance = distance;
            }
        }
        if (best is null && given.Length >= 3)
        {
            best = known.FirstOrDefault(name => name.Length >= 3 &&
                (given.StartsWith(name, StringComparison.OrdinalIgnoreCase) || name.StartsWith(given, StringComparison.OrdinalIgnoreCase)));
        }
        return best;
    }

    /// <summary>" (did you mean 'x'?)", or "" when nothing is close.</summary>
    public static string DidYouMean(string given, IEnumerable<string> known) =>
        Closest(given, known) is { } best ? $" (did you mean '{best}'?)" : "";

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.</summary>
    private static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 3)
        {
            return int.MaxValue;
        }
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
