using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Core.Tests;

/// <summary><c>connection.emulatorOrg</c>, and the run file <c>groups</c> may use before its targets file exists.</summary>
public sealed class EmulatorOrgRunFileTests
{
    private const string Run = """
        version: 1
        name: q3
        connection:
          emulator: true
          emulatorOrg: ORG
        actions:
          - name: survey
            type: Survey
            targets: { file: groups.csv }
            body: { title: "x", questions: [ { title: "q", type: Text } ] }
        """;

    [Theory]
    [InlineData("true", 40)]
    [InlineData("12", 12)]
    public void A_generated_organisation_is_asked_for_by_true_or_a_number_of_groups(string value, int size)
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var run = folder.LoadOk(Run.Replace("ORG", value));
        Assert.Equal(new EmulatorOrganisation(null, size, run.Connection.EmulatorOrg!.Location), run.Connection.EmulatorOrg);
        Assert.Null(folder.LoadOk(Run.Replace("ORG", "false")).Connection.EmulatorOrg);
    }

    [Fact]
    public void An_organisation_file_is_found_beside_the_run_file_and_a_missing_one_is_an_error_at_its_line()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        folder.Write("org.json", "{ \"groups\": [] }");
        var run = folder.LoadOk(Run.Replace("ORG", "org.json"));
        Assert.Equal(Path.Combine(folder.Path, "org.json"), run.Connection.EmulatorOrg!.File);

        var missing = folder.Load(Run.Replace("ORG", "nope.json"));
        var error = Assert.Single(missing.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal((DiagnosticCodes.FileMissing, 5), (error.Code, error.Location.Line));
    }

    [Fact]
    public void EmulatorOrg_with_the_real_service_is_an_error_and_a_wrong_type_a_schema_error()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var real = folder.Load(Run.Replace("emulator: true", "emulator: false\n  apiRoot: https://api.kaiza.la/v1\n  applicationId: a")
            .Replace("ORG", "12"));
        Assert.Contains(real.Diagnostics, d => d.Severity == Severity.Error && d.Message.Contains("'connection.emulatorOrg' is for the embedded emulator", StringComparison.Ordinal));

        var wrong = folder.Load(Run.Replace("ORG", "[1, 2]"));
        Assert.Null(wrong.RunFile);
        Assert.Contains(wrong.Diagnostics, d => d.Code == DiagnosticCodes.Schema && d.Location.Line == 5);
    }

    [Fact]
    public void A_targets_file_that_does_not_exist_yet_leaves_the_run_file_usable_for_the_connection_only()
    {
        using var folder = new TempFolder();
        var result = folder.Load(Run.Replace("ORG", "12"));

        Assert.Null(result.RunFile);
        Assert.NotNull(result.ForConnection);
        Assert.Equal(12, result.ForConnection.Connection.EmulatorOrg!.Size);

        var broken = folder.Load(Run.Replace("ORG", "12").Replace("name: q3", "name: q3\nlimits: { perMinute: -1 }"));
        Assert.Null(broken.ForConnection);
    }
}
