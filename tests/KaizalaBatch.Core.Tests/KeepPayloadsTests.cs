using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.Core.Tests;

/// <summary>The run file's <c>keepPayloads</c>: whether the ledger keeps the bodies sent. It is in the schema, so a typo in
/// it is reported like any other key, with a suggestion, and a value of the wrong type too.</summary>
public sealed class KeepPayloadsTests
{
    private static string RunFile(string line) => $$"""
        version: 1
        name: q3
        {{line}}
        actions:
          - name: survey
            type: Survey
            targets: { file: groups.csv }
            body: { title: "x", questions: [ { title: "q", type: Text } ] }
        """;

    [Theory]
    [InlineData("", true)]
    [InlineData("keepPayloads: true", true)]
    [InlineData("keepPayloads: false", false)]
    public void Bodies_are_kept_unless_the_run_file_says_false(string line, bool kept)
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        Assert.Equal(kept, folder.LoadOk(RunFile(line)).KeepPayloads);
    }

    [Theory]
    [InlineData("keepPayload: false", "'keepPayload' is not a known key at the top level (did you mean 'keepPayloads'?)")]
    [InlineData("keepPayloads: never", "'keepPayloads'")]
    public void A_typo_or_a_wrong_value_is_an_error_at_its_line(string line, string expected)
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var result = folder.Load(RunFile(line));
        Assert.Null(result.RunFile);
        var error = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal(DiagnosticCodes.Schema, error.Code);
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), error.ToString());
        Assert.Equal(3, error.Location.Line);
    }
}
