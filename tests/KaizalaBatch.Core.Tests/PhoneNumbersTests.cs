using KaizalaBatch.Templating;

namespace KaizalaBatch.Core.Tests;

public sealed class PhoneNumbersTests
{
    [Theory]
    [InlineData("+919845012345;+919845054321")]
    [InlineData("+919845012345,+919845054321")]
    [InlineData("+919845012345|+919845054321")]
    [InlineData("+919845012345 +919845054321")]
    [InlineData("+919845012345\t+919845054321")]
    [InlineData("+919845012345\n+919845054321")]
    [InlineData(" +91 98450-12345 ; (+91) 98450 54321 ")]
    [InlineData("9845012345, 09845054321")]
    [InlineData("9845012345 9845054321")]
    [InlineData("00919845012345 | 9845054321")]
    public void Splits_on_every_separator_and_normalises(string cell)
    {
        Assert.Equal(["+919845012345", "+919845054321"], PhoneNumbers.Split(cell, "+91"));
    }

    [Fact]
    public void A_number_without_plus_gets_the_default_country_code()
    {
        Assert.Equal(["+14155550100"], PhoneNumbers.Split("(415) 555-0100", "1"));
        Assert.Equal(["4155550100"], PhoneNumbers.Split("415.555.0100", null));
    }

    [Fact]
    public void Empty_cells_give_no_numbers()
    {
        Assert.Empty(PhoneNumbers.Split("", "+91"));
        Assert.Empty(PhoneNumbers.Split(" ; , | ", "+91"));
        Assert.Empty(PhoneNumbers.Split(null, "+91"));
    }

    [Theory]
    [InlineData("+12345678", true)]
    [InlineData("+123456789012345", true)]
    [InlineData("+1234567", false)]
    [InlineData("+1234567890123456", false)]
    [InlineData("919845012345", false)]
    [InlineData("+91984501234x", false)]
    public void Valid_numbers_are_plus_and_8_to_15_digits(string number, bool valid)
    {
        Assert.Equal(valid, PhoneNumbers.IsValid(number));
    }
}
