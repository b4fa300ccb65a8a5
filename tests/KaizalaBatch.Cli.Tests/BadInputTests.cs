namespace KaizalaBatch.Cli.Tests;

/// <summary>Every broken input gets the documented exit code and a message that names the file and the
/// line, column or row — and never a stack trace.</summary>
public sealed class BadInputTests
{
    public static TheoryData<BadInput> Cases => BadInputCorpus.Cases();

    [Fact]
    public void The_corpus_holds_at_least_forty_broken_inputs() =>
        Assert.True(BadInputCorpus.All().Count() >= 40);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Validate_names_the_place_of_the_mistake(BadInput input)
    {
        using var folder = new TempFolder();
        foreach (var (name, content) in input.Files)
        {
            folder.Write(name, content);
        }
        var result = await CliProcess.RunAsync(["validate", "run.yaml"], folder.Path);

        Assert.True(input.ExitCode == result.ExitCode, $"{input.Name}: exit {result.ExitCode}, expected {input.ExitCode}\n{result.AllOutput}");
        foreach (var expected in input.Expected)
        {
            Assert.True(result.AllOutput.Contains(expected, StringComparison.Ordinal), $"{input.Name}: '{expected}' not in\n{result.AllOutput}");
        }
        foreach (var once in input.Once ?? [])
        {
            var count = result.AllOutput.Split(once).Length - 1;
            Assert.True(count == 1, $"{input.Name}: '{once}' appears {count} times, not once, in\n{result.AllOutput}");
        }
        Assert.DoesNotContain("   at ", result.AllOutput);
        Assert.DoesNotContain("Exception", result.AllOutput);
    }
}
