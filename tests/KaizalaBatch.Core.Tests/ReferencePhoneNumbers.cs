using System.Text;

namespace KaizalaBatch.Core.Tests;

/// <summary>PhoneNumbers as it was before it wrote numbers through spans (issue 15), kept verbatim as the reference the
/// property test compares the current one with: the numbers a row's <c>phones</c> gives are part of its content hash.</summary>
internal static class ReferencePhoneNumbers
{
    private static readonly char[] Separators = [';', ',', '|', ' ', '\t', '\r', '\n'];

    /// <summary>Splits a cell into numbers and normalises each (see <see cref="Normalise"/>). Empty parts are dropped.</summary>
    public static List<string> Split(string? cell, string? countryCode)
    {
        var numbers = new List<string>();
        if (string.IsNullOrWhiteSpace(cell))
        {
            return numbers;
        }
        // "+91 98450 12345" is one number written with spaces, so spaces only separate when both sides look complete.
        foreach (var part in SplitKeepingSpacedNumbers(cell))
        {
            var normalised = Normalise(part, countryCode);
            if (normalised.Length > 0)
            {
                numbers.Add(normalised);
            }
        }
        return numbers;
    }

    /// <summary>Keeps digits and a leading <c>+</c>; strips spaces, dashes, dots, parentheses; a number without
    /// <c>+</c> gets <paramref name="countryCode"/> (a leading 00 counts as +). Other characters are kept, so that
    /// <see cref="IsValid"/> can reject them.</summary>
    public static string Normalise(string number, string? countryCode)
    {
        var text = new StringBuilder(number.Length + 4);
        foreach (var c in number.Trim())
        {
            if (c is ' ' or '-' or '.' or '(' or ')' or '\t' or '\u00a0')
            {
                continue;
            }
            text.Append(c);
        }
        if (text.Length == 0)
        {
            return "";
        }
        if (text[0] == '+')
        {
            return text.ToString();
        }
        if (text.Length > 2 && text[0] == '0' && text[1] == '0')
        {
            return "+" + text.ToString(2, text.Length - 2);
        }
        if (countryCode is { Length: > 0 })
        {
            var code = countryCode.StartsWith('+') ? countryCode : "+" + countryCode;
            // A national number written with its trunk 0 (09845...) drops it after the country code.
            var national = text.ToString().TrimStart('0');
            return code + national;
        }
        return text.ToString();
    }

    /// <summary><c>+</c> followed by 8 to 15 digits (E.164).</summary>
    public static bool IsValid(string number)
    {
        if (number.Length is < 9 or > 16 || number[0] != '+')
        {
            return false;
        }
        for (var i = 1; i < number.Length; i++)
        {
            if (!char.IsAsciiDigit(number[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static IEnumerable<string> SplitKeepingSpacedNumbers(string cell)
    {
        foreach (var hard in cell.Split([';', ',', '|', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Within a part, whitespace separates numbers only when a new token starts with + or the part has
            // several tokens that are each long enough to be a number on their own.
            var tokens = hard.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length <= 1)
            {
                yield return hard;
                continue;
            }
            var current = new StringBuilder();
            foreach (var token in tokens)
            {
                var digits = token.Count(char.IsAsciiDigit);
                var startsNumber = token.StartsWith('+') || digits >= 8;
                if (current.Length > 0 && startsNumber && CountDigits(current) >= 8)
                {
                    yield return current.ToString();
                    current.Clear();
                }
                current.Append(token);
            }
            if (current.Length > 0)
            {
                yield return current.ToString();
            }
        }
    }

    private static int CountDigits(StringBuilder text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsAsciiDigit(text[i]))
            {
                count++;
            }
        }
        return count;
    }
}
