using System.Buffers;
using System.Text;

namespace KaizalaBatch.Templating;

/// <summary>Phone number lists as people type them in spreadsheets: split on <c>;</c> <c>,</c> <c>|</c> or whitespace,
/// spaces, dashes, dots and parentheses dropped, a number without <c>+</c> given the default country code.
/// Used by the template function <c>phones</c> and by the action rules, so both agree. The numbers are found over
/// spans into a scratch buffer and handed to a sink, so that <c>phones X | array.join S</c> can write them straight into
/// its output (a row's numbers were a dozen strings, arrays and builders each).</summary>
public static class PhoneNumbers
{
    private static readonly SearchValues<char> HardSeparators = SearchValues.Create(";,|\r\n");

    /// <summary>Splits a cell into numbers and normalises each (see <see cref="Normalise"/>). Empty parts are dropped.</summary>
    public static List<string> Split(string? cell, string? countryCode)
    {
        var sink = new ListSink([]);
        Each(cell, countryCode, ref sink);
        return sink.Numbers;
    }

    /// <summary>Appends the cell's numbers to <paramref name="output"/> as <c>phones cell | array.join separator</c> would
    /// write them; <paramref name="any"/> says whether a number was written before (then a separator comes first).</summary>
    public static void AppendJoined(StringBuilder output, string? cell, string? countryCode, string separator, ref bool any)
    {
        var sink = new JoinSink(output, separator, any);
        Each(cell, countryCode, ref sink);
        any = sink.Any;
    }

    /// <summary>Keeps digits and a leading <c>+</c>; strips spaces, dashes, dots, parentheses; a number without
    /// <c>+</c> gets <paramref name="countryCode"/> (a leading 00 counts as +). Other characters are kept, so that
    /// <see cref="IsValid"/> can reject them.</summary>
    public static string Normalise(string number, string? countryCode)
    {
        ArgumentNullException.ThrowIfNull(number);
        var sink = new ListSink([]);
        var text = number.Length <= 256 ? stackalloc char[number.Length] : new char[number.Length];
        Normalise(number, text, countryCode, ref sink);
        return sink.Numbers.Count > 0 ? sink.Numbers[0] : "";
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

    /// <summary>Receives each normalised number in up to three pieces (a <c>+</c>, the country code, the digits).</summary>
    private interface INumberSink
    {
        void Add(ReadOnlySpan<char> plus, ReadOnlySpan<char> code, ReadOnlySpan<char> number);
    }

    private static void Each<TSink>(string? cell, string? countryCode, ref TSink sink) where TSink : struct, INumberSink
    {
        if (string.IsNullOrWhiteSpace(cell))
        {
            return;
        }
        // Two scratch areas as long as the cell: a number's tokens joined, and that number normalised.
        char[]? rented = null;
        var buffer = cell.Length <= 256 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(cell.Length * 2));
        var joined = buffer[..cell.Length];
        var text = buffer.Slice(cell.Length, cell.Length);
        try
        {
            foreach (var range in cell.AsSpan().SplitAny(HardSeparators))
            {
                var hard = cell.AsSpan()[range].Trim();
                if (hard.IsEmpty)
                {
                    continue;
                }
                // Within a part, whitespace separates numbers only when a new token starts with + or the part has
                // several tokens that are each long enough to be a number on their own ("+91 98450 12345" is one).
                if (hard.IndexOfAny(' ', '\t') < 0)
                {
                    Normalise(hard, text, countryCode, ref sink);
                    continue;
                }
                var length = 0;
                foreach (var tokenRange in hard.SplitAny(" \t"))
                {
                    var token = hard[tokenRange];
                    if (token.IsEmpty)
                    {
                        continue;
                    }
                    var startsNumber = token[0] == '+' || CountDigits(token) >= 8;
                    if (length > 0 && startsNumber && CountDigits(joined[..length]) >= 8)
                    {
                        Normalise(joined[..length], text, countryCode, ref sink);
                        length = 0;
                    }
                    token.CopyTo(joined[length..]);
                    length += token.Length;
                }
                if (length > 0)
                {
                    Normalise(joined[..length], text, countryCode, ref sink);
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>One number, normalised through <paramref name="text"/> (scratch as long as it) into the sink; nothing
    /// when only separators remain.</summary>
    private static void Normalise<TSink>(ReadOnlySpan<char> number, Span<char> text, string? countryCode, ref TSink sink)
        where TSink : struct, INumberSink
    {
        var length = 0;
        foreach (var c in number.Trim())
        {
            if (c is ' ' or '-' or '.' or '(' or ')' or '\t' or '\u00a0')
            {
                continue;
            }
            text[length++] = c;
        }
        var kept = text[..length];
        if (length == 0)
        {
            return;
        }
        if (kept[0] == '+')
        {
            sink.Add([], [], kept);
        }
        else if (length > 2 && kept[0] == '0' && kept[1] == '0')
        {
            sink.Add("+", [], kept[2..]);
        }
        else if (countryCode is { Length: > 0 })
        {
            // A national number written with its trunk 0 (09845...) drops it after the country code.
            sink.Add(countryCode.StartsWith('+') ? [] : "+", countryCode, kept.TrimStart('0'));
        }
        else
        {
            sink.Add([], [], kept);
        }
    }

    private static int CountDigits(ReadOnlySpan<char> text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                count++;
            }
        }
        return count;
    }

    private struct ListSink(List<string> numbers) : INumberSink
    {
        public readonly List<string> Numbers => numbers;

        public readonly void Add(ReadOnlySpan<char> plus, ReadOnlySpan<char> code, ReadOnlySpan<char> number) =>
            numbers.Add(string.Concat(plus, code, number));
    }

    private struct JoinSink(StringBuilder output, string separator, bool any) : INumberSink
    {
        public bool Any { get; private set; } = any;

        public void Add(ReadOnlySpan<char> plus, ReadOnlySpan<char> code, ReadOnlySpan<char> number)
        {
            if (Any)
            {
                output.Append(separator);
            }
            output.Append(plus).Append(code).Append(number);
            Any = true;
        }
    }
}
