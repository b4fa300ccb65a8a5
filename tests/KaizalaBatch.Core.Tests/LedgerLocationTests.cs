using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Core.Tests;

/// <summary><c>ledger:</c> as a PostgreSQL URL: kept as written (not made a path), its password only from the environment
/// and never in <see cref="RunFile.LedgerPath"/>, and the files this machine keeps for the run beside the run file.</summary>
public sealed class LedgerLocationTests
{
    private static string RunFile(string ledger) => $$"""
        version: 1
        name: q3
        ledger: "{{ledger}}"
        actions:
          - name: survey
            type: Survey
            targets: { file: groups.csv }
            body: { title: "x", questions: [ { title: "q", type: Text } ] }
        """;

    [Fact]
    public void A_database_url_passes_through_and_its_local_files_go_beside_the_run_file()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var run = folder.LoadOk(RunFile("postgresql://kb@db.example:5433/rollout_q3?sslmode=require"));
        Assert.Equal("postgresql://kb@db.example:5433/rollout_q3?sslmode=require", run.LedgerPath);
        Assert.Null(run.LedgerPassword);
        Assert.Equal(Path.Combine(folder.Path, "rollout_q3.pg"), run.LocalFilesStem);

        var file = folder.LoadOk(RunFile("state/q3.db"));
        Assert.Equal(Path.Combine(folder.Path, "state", "q3.db"), file.LedgerPath);
        Assert.Equal(file.LedgerPath, file.LocalFilesStem);
    }

    [Fact]
    public void The_password_comes_from_the_environment_and_is_kept_apart()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var env = new Dictionary<string, string> { ["KB_PG_PASSWORD"] = "Pw-7hRt2", ["KB_PG_HOST"] = "db.example" };
        var result = folder.Load(RunFile("postgres://kb:${env:KB_PG_PASSWORD}@${env:KB_PG_HOST}/rollout"), env.GetValueOrDefault);
        var run = Assert.IsType<RunFile>(result.RunFile);
        Assert.Equal("postgres://kb@db.example/rollout", run.LedgerPath); // as written, less the password
        Assert.Equal("Pw-7hRt2", run.LedgerPassword?.Reveal());
        Assert.Equal("***(env:KB_PG_PASSWORD)", run.LedgerPassword?.ToString());
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == DiagnosticCodes.EnvironmentOutsideConnection);

        var missing = folder.Load(RunFile("postgresql://kb:${env:KB_PG_NOPE}@db.example/rollout"));
        Assert.Null(missing.RunFile);
        Assert.Contains(missing.Diagnostics, d => d.Code == DiagnosticCodes.EnvironmentMissing && d.Message.Contains("KB_PG_NOPE", StringComparison.Ordinal));
    }

    [Fact]
    public void A_password_written_in_the_run_file_is_refused_without_being_echoed()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var result = folder.Load(RunFile("postgresql://kb:Pw-7hRt2@db.example/rollout"));
        Assert.Null(result.RunFile);
        var error = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Contains("holds a password", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Diagnostics, d => d.ToString().Contains("Pw-7hRt2", StringComparison.Ordinal));
        Assert.Equal(3, error.Location.Line);
    }

    [Fact]
    public void A_url_without_a_database_is_refused()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var result = folder.Load(RunFile("postgresql://kb@db.example"));
        Assert.Null(result.RunFile);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("postgresql://user@host:port/database", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("postgresql://kb:secret@h:5432/db", "postgresql://kb:***@h:5432/db")]
    [InlineData("postgresql://kb@h/db", "postgresql://kb@h/db")]
    [InlineData("/var/lib/kb/run.ledger.db", "/var/lib/kb/run.ledger.db")]
    public void A_location_is_printed_without_its_password(string location, string printed) =>
        Assert.Equal(printed, LedgerLocation.Redact(location));
}
