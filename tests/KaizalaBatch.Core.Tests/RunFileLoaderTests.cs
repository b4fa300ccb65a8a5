using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Core.Tests;

public sealed class RunFileLoaderTests
{
    private const string Minimal = """
        version: 1
        name: q3
        actions:
          - name: survey
            type: Survey
            targets: { file: groups.csv }
            body: { title: "x", questions: [ { title: "q", type: Text } ] }
        """;

    [Fact]
    public void Defaults_are_filled_in()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var run = folder.LoadOk(Minimal);

        Assert.Equal(1, run.Version);
        Assert.Equal("q3", run.Name);
        Assert.True(run.Connection.Emulator);
        Assert.Equal(TimeSpan.FromSeconds(60), run.Connection.Timeout);
        Assert.Equal(new Uri("https://api.kaiza.la/v1"), run.Connection.ApiRoot);
        Assert.Equal(new RunLimits(100, 4, 5, 50), run.Limits);
        Assert.Null(run.PhoneDefaults.CountryCode);
        Assert.Equal(Path.Combine(folder.Path, "q3.ledger.db"), run.LedgerPath);
        Assert.Equal(folder.Path, run.Directory);
        var action = Assert.Single(run.Actions);
        Assert.Equal("groupId", action.Targets.GroupIdColumn);
        Assert.Null(action.Targets.GroupBy);
        Assert.Null(action.Targets.Where);
        Assert.Null(action.Key);
        Assert.Equal(Path.Combine(folder.Path, "groups.csv"), action.Targets.File);
    }

    [Fact]
    public void Every_key_is_read()
    {
        using var folder = new TempFolder();
        folder.Write("data/groups.csv", "gid,site\n" + TempFolder.GroupA + ",x\n");
        folder.Write("survey.sbn", "{}");
        var env = new Dictionary<string, string> { ["APP_ID"] = "app-1", ["APP_SECRET"] = "s3cret", ["REFRESH"] = "r3fresh" };
        var run = folder.LoadOk("""
            version: 1
            name: every-key
            ledger: state/run.db
            connection:
              emulator: false
              apiRoot: https://example.test/v1
              applicationId: ${env:APP_ID}
              applicationSecret: ${env:APP_SECRET}
              refreshToken: ${env:REFRESH}
              timeoutSeconds: 15
            limits: { perMinute: 50, concurrency: 2, maxAttempts: 3, maxErrors: 0 }
            vars: { quarter: Q3, n: 2 }
            phoneDefaults: { countryCode: "91" }
            actions:
              - name: a
                type: survey
                targets: { file: data/groups.csv, groupId: gid, groupBy: site, where: "{{ true }}" }
                key: "{{ row.site }}"
                bodyTemplate: survey.sbn
              - name: b
                type: CUSTOM
                packageId: com.contoso.checkin.3
                targets: { file: data/groups.csv, groupId: gid }
                body: { properties: [] }
                extra: { sendToAllSubscribers: true }
            """, name => env.GetValueOrDefault(name));

        Assert.False(run.Connection.Emulator);
        Assert.Equal(new Uri("https://example.test/v1"), run.Connection.ApiRoot);
        Assert.Equal("app-1", run.Connection.ApplicationId);
        Assert.Equal("s3cret", run.Connection.ApplicationSecret!.Reveal());
        Assert.Equal("r3fresh", run.Connection.RefreshToken!.Reveal());
        Assert.Equal(TimeSpan.FromSeconds(15), run.Connection.Timeout);
        Assert.Equal(new RunLimits(50, 2, 3, 0), run.Limits);
        Assert.Equal("+91", run.PhoneDefaults.CountryCode);
        Assert.Equal(Path.Combine(folder.Path, "state", "run.db"), run.LedgerPath);
        Assert.Equal(["quarter", "n"], run.Vars!.Entries.Select(e => e.Key.Value));
        var a = run.Actions[0];
        Assert.Equal("Survey", a.Type);
        Assert.Equal("gid", a.Targets.GroupIdColumn);
        Assert.Equal("site", a.Targets.GroupBy);
        Assert.Equal("{{ true }}", a.Targets.Where!.Value);
        Assert.Equal("{{ row.site }}", a.Key!.Value);
        Assert.Equal(Path.Combine(folder.Path, "survey.sbn"), a.BodyTemplatePath);
        Assert.Null(a.Body);
        var b = run.Actions[1];
        Assert.Equal("Custom", b.Type);
        Assert.Equal("com.contoso.checkin.3", b.PackageId);
        Assert.NotNull(b.Extra);
    }

    [Fact]
    public void Secrets_are_redacted_when_printed()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var run = folder.LoadOk(Minimal.Replace("actions:", """
            connection:
              apiRoot: https://example.test/v1
              applicationId: app
              applicationSecret: ${env:S}
              refreshToken: ${env:R}
            actions:
            """), name => name == "S" ? "top-secret-value" : "refresh-secret-value");

        Assert.False(run.Connection.Emulator);
        var printed = run.ToString() + run.Connection + run.Connection.ApplicationSecret + run.Connection.RefreshToken;
        Assert.DoesNotContain("top-secret-value", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("refresh-secret-value", printed, StringComparison.Ordinal);
        Assert.Contains("***(env:S)", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_environment_variable_is_named_and_its_siblings_still_reported()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var result = folder.Load(Minimal.Replace("actions:", """
            connection:
              apiRoot: https://example.test/v1
              applicationId: app
              applicationSecret: ${env:KB_SECRET}
              refreshToken: ${env:KB_REFRESH}
            actions:
            """), name => name == "KB_REFRESH" ? "present" : null);

        Assert.Null(result.RunFile);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.EnvironmentMissing, error.Code);
        Assert.Contains("KB_SECRET", error.Message, StringComparison.Ordinal);
        Assert.Equal((6, 22), (error.Location.Line, error.Location.Column));
    }

    [Fact]
    public void A_literal_secret_is_a_schema_error_that_does_not_echo_it()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var result = folder.Load(Minimal.Replace("actions:", """
            connection:
              applicationId: app
              applicationSecret: hunter2-literal
              refreshToken: ${env:R}
            actions:
            """), _ => "x");

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.Schema, error.Code);
        Assert.Contains("${env:NAME}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
        Assert.Equal((5, 22), (error.Location.Line, error.Location.Column));
    }

    [Fact]
    public void Plain_http_is_refused_for_a_remote_host_but_allowed_for_loopback()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        string With(string root) => Minimal.Replace("actions:", """
            connection:
              apiRoot: ROOT
              applicationId: app
              applicationSecret: ${env:S}
              refreshToken: ${env:S}
            actions:
            """.Replace("ROOT", root, StringComparison.Ordinal));
        var remote = folder.Load(With("http://api.example.test/v1"), _ => "x");
        Assert.Contains(remote.Diagnostics, d => d.Code == DiagnosticCodes.InsecureApiRoot && d.Location.Line == 4);
        var local = folder.Load(With("http://127.0.0.1:5000/v1"), _ => "x");
        Assert.Empty(local.Diagnostics);
    }

    [Fact]
    public void Semantic_errors_are_all_reported_together()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var result = folder.Load("""
            version: 1
            name: many
            actions:
              - name: same
                type: Survey
                targets: { file: groups.csv }
                body: { title: x }
              - name: same
                type: Poll
                targets: { file: groups.csv }
                body: { question: x }
              - name: custom
                type: Custom
                targets: { file: groups.csv }
                body: { properties: [] }
              - name: job
                type: Job
                packageId: com.x
                targets: { file: missing.csv }
                body: { title: x }
                bodyTemplate: job.sbn
              - name: nobody
                type: Announcement
                targets: { file: groups.csv }
            """);

        Assert.Null(result.RunFile);
        var codes = result.Diagnostics.Select(d => (d.Code, d.Location.Line)).ToList();
        Assert.Contains((DiagnosticCodes.DuplicateActionName, 8), codes);
        Assert.Contains((DiagnosticCodes.PackageIdRequired, 13), codes);
        Assert.Contains((DiagnosticCodes.PackageIdNotAllowed, 18), codes);
        Assert.Contains((DiagnosticCodes.FileMissing, 19), codes);
        Assert.Contains((DiagnosticCodes.BodyChoice, 21), codes);
        Assert.Contains((DiagnosticCodes.TemplateFileMissing, 21), codes);
        Assert.Contains((DiagnosticCodes.BodyChoice, 22), codes);
        Assert.Equal(7, result.Diagnostics.Count);
        Assert.All(result.Diagnostics, d => Assert.Equal("run.yaml", Path.GetFileName(d.Location.File)));
    }

    [Fact]
    public void A_yaml_syntax_error_has_its_line_and_column()
    {
        using var folder = new TempFolder();
        var result = folder.Load("""
            version: 1
            name: broken
            actions:
              - name: a
                body: { title: "unclosed
            """);

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.YamlSyntax, error.Code);
        Assert.NotNull(error.Location.Line);
        Assert.True(error.Location.Line >= 5, error.ToString());
        Assert.NotNull(error.Location.Column);
        Assert.DoesNotContain("(Line:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_indentation_points_at_the_offending_line()
    {
        using var folder = new TempFolder();
        var result = folder.Load("version: 1\nname: x\n  bad: indent\nactions: []\n");
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.YamlSyntax, error.Code);
        Assert.Equal(3, error.Location.Line);
    }

    [Fact]
    public void A_duplicate_key_is_a_diagnostic_with_its_location()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var result = folder.Load(Minimal + "\nname: again\n");
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.DuplicateKey, error.Code);
        Assert.Equal((8, 1), (error.Location.Line, error.Location.Column));
    }

    [Fact]
    public void A_missing_run_file_is_a_diagnostic()
    {
        using var folder = new TempFolder();
        var result = RunFileLoader.Load(Path.Combine(folder.Path, "nope.yaml"), _ => null);
        Assert.Null(result.RunFile);
        Assert.Equal(DiagnosticCodes.RunFileMissing, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void An_empty_run_file_is_a_diagnostic()
    {
        using var folder = new TempFolder();
        var result = folder.Load("");
        Assert.Null(result.RunFile);
        Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void Connection_without_service_keys_means_the_emulator()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var run = folder.LoadOk(Minimal.Replace("actions:", "connection: { timeoutSeconds: 5 }\nactions:"));
        Assert.True(run.Connection.Emulator);
        Assert.Equal(TimeSpan.FromSeconds(5), run.Connection.Timeout);
    }

    [Fact]
    public void The_real_service_needs_all_credentials()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var result = folder.Load(Minimal.Replace("actions:", "connection: { emulator: false, applicationId: app }\nactions:"));
        Assert.Equal(2, result.Diagnostics.Count(d => d.Code == DiagnosticCodes.ConnectionIncomplete));
    }
}

public sealed class RunFileLoaderEnvironmentTests
{
    [Fact]
    public void Api_root_and_application_id_may_come_from_the_environment()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var env = new Dictionary<string, string> { ["ROOT"] = "https://kaizala.example.test/v1", ["APP"] = "app-7", ["S"] = "s" };
        var run = folder.LoadOk("""
            version: 1
            name: envs
            connection:
              apiRoot: ${env:ROOT}
              applicationId: ${env:APP}
              applicationSecret: ${env:S}
              refreshToken: ${env:S}
            actions:
              - name: a
                type: Poll
                targets: { file: groups.csv }
                body: { question: q, choices: [x] }
            """, name => env.GetValueOrDefault(name));
        Assert.Equal(new Uri("https://kaizala.example.test/v1"), run.Connection.ApiRoot);
        Assert.Equal("app-7", run.Connection.ApplicationId);
        Assert.False(run.Connection.Emulator);
    }
}

public sealed class RunFileLoaderRobustnessTests
{
    [Theory]
    [InlineData("version: 1.5\nname: x\nactions: []\n")]
    [InlineData("version: one\nname: [x]\nactions: nope\n")]
    [InlineData("- just\n- a list\n")]
    [InlineData("plain text\n")]
    [InlineData("version: 1\nname: x\nactions: [ 1, \"x\", { name: 3 }, { name: a, type: [Job], targets: x }, { name: b, type: Job, targets: { file: [a] }, body: text, key: 5 } ]\n")]
    [InlineData("version: 1\nname: x\nvars: 3\nphoneDefaults: x\nconnection: []\nlimits: { perMinute: -1, concurrency: x }\nactions: [ { name: a, type: Poll, targets: { file: g.csv, where: [] }, body: { question: q } } ]\n")]
    [InlineData("version: 1\nname: x\nconnection: { emulator: maybe, apiRoot: 'not a url', timeoutSeconds: 0 }\nactions: []\n")]
    [InlineData("a: &anchor { b: *anchor }\n")]
    [InlineData("version: 1\nname: x\nactions: *missing\n")]
    [InlineData("version: 1\n---\nname: second document\n")]
    [InlineData("{ version: 1, name: x, actions: [ { name: a, type: Poll, targets: { file: g.csv }, bodyTemplate: '../../../../etc/passwd-nope', body: { } } ] }")]
    public void Malformed_run_files_give_diagnostics_never_exceptions(string yaml)
    {
        using var folder = new TempFolder();
        var result = folder.Load(yaml, _ => null);
        Assert.Null(result.RunFile);
        Assert.NotEmpty(result.Diagnostics);
        Assert.All(result.Diagnostics, d => Assert.NotNull(d.Location.Line));
    }
}

public sealed class RunFileLoaderWarningTests
{
    [Fact]
    public void An_environment_reference_outside_connection_is_a_warning_and_the_file_still_loads()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var result = folder.Load("""
            version: 1
            name: w
            actions:
              - name: a
                type: Poll
                targets: { file: groups.csv }
                body: { question: "token ${env:SECRET}", choices: [x] }
            """, _ => "value");
        Assert.NotNull(result.RunFile);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((Severity.Warning, DiagnosticCodes.EnvironmentOutsideConnection, 7), (warning.Severity, warning.Code, warning.Location.Line!.Value));
    }
}
