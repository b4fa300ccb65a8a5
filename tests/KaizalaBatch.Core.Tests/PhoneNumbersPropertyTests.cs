using System.Text;
using KaizalaBatch.Templating;

namespace KaizalaBatch.Core.Tests;

/// <summary>PhoneNumbers gives what it gave before it was rewritten over spans, for cells of every shape people type:
/// the same numbers from Split, the same text from Normalise, and AppendJoined the same as joining Split's numbers.</summary>
public sealed class PhoneNumbersPropertyTests
{
    private static readonly string[] Pieces =
    [
        "0", "1", "9", "98450", "12345", "+", "+91", "00", "0091", " ", "  ", "\t", ";", ",", "|", "\r\n", "\n", "-", ".", "(",
        ")", "\u00a0", "\u2003", "x", "n/a", "é", "+1 555 0100", "9845012345", "09845054321", "+44 20 7946 0000",
    ];

    [Fact]
    public void Split_Normalise_and_AppendJoined_agree_with_the_reference()
    {
        var random = new Random(1515);
        string?[] codes = ["+91", "91", "1", "", null];
        for (var n = 0; n < 20_000; n++)
        {
            var cell = new StringBuilder();
            for (var i = random.Next(8); i > 0; i--)
            {
                cell.Append(Pieces[random.Next(Pieces.Length)]);
            }
            var text = cell.ToString();
            var code = codes[random.Next(codes.Length)];
            var expected = ReferencePhoneNumbers.Split(text, code);
            Assert.Equal(expected, PhoneNumbers.Split(text, code));
            Assert.Equal(ReferencePhoneNumbers.Normalise(text, code), PhoneNumbers.Normalise(text, code));
            var joined = new StringBuilder("before");
            var any = n % 2 == 0;
            PhoneNumbers.AppendJoined(joined, text, code, ", ", ref any);
            var prefix = n % 2 == 0 && expected.Count > 0 ? ", " : "";
            Assert.Equal("before" + prefix + string.Join(", ", expected), joined.ToString());
            Assert.Equal(n % 2 == 0 || expected.Count > 0, any);
        }
    }
}
