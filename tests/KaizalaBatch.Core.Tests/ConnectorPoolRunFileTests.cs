using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Core.Tests;

/// <summary><c>connection.connectors</c>, <c>limits.tenantPerMinute</c> and <c>targets.connector</c>: a pool of connectors as
/// the run file writes it, and the items pinned to one.</summary>
public sealed class ConnectorPoolRunFileTests
{
    private const string Pool = """
        version: 1
        name: pool
        connection:
          apiRoot: https://example.test/v1
          connectors:
            - name: north
              applicationId: app-1
              applicationSecret: ${env:S1}
              refreshToken: ${env:R1}
            - applicationId: ${env:A2}
              applicationSecret: ${env:S2}
              refreshToken: ${env:R2}
        limits: { tenantPerMinute: 250 }
        actions:
          - name: survey
            type: Survey
            targets: { file: groups.csv, connector: via }
            body: { title: "x", questions: [ { title: "q", type: Text } ] }
        """;

    private static string? Environment(string name) => name switch
    {
        "A2" => "app-2",
        _ => "value-of-" + name,
    };

    [Fact]
    public void Each_connector_is_read_with_its_name_and_its_secrets_from_the_environment()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId,via\n" + TempFolder.GroupA + ",north\n");
        var run = folder.LoadOk(Pool, Environment);

        Assert.Equal(["north", "app-2"], run.Connection.Connectors.Select(c => c.Name));
        Assert.Equal(["app-1", "app-2"], run.Connection.Connectors.Select(c => c.ApplicationId));
        Assert.Equal("value-of-S2", run.Connection.Connectors[1].ApplicationSecret!.Reveal());
        Assert.Equal(["north", "app-2"], run.Connection.ConnectorNames);
        Assert.Equal(250, run.Limits.TenantLimitFor(2));
        Assert.Equal("via", run.Actions[0].Targets.ConnectorColumn);
        Assert.DoesNotContain("value-of", run.Connection.Connectors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_tenant_limit_defaults_to_the_services_for_a_pool_and_to_none_for_one_connector()
    {
        var limits = new RunLimits();
        Assert.Equal(300, limits.TenantLimitFor(3));
        Assert.Equal(0, limits.TenantLimitFor(1));
        Assert.Equal(120, (limits with { TenantPerMinute = 120 }).TenantLimitFor(1));
    }

    [Fact]
    public void The_single_form_beside_the_list_and_two_connectors_of_one_name_are_refused_with_their_lines()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId,via\n" + TempFolder.GroupA + ",north\n");
        var result = folder.Load(Pool
            .Replace("  connectors:", "  applicationId: app-0\n  connectors:")
            .Replace("    - applicationId: ${env:A2}", "    - name: north\n      applicationId: ${env:A2}"), Environment);

        Assert.Null(result.RunFile);
        var both = Assert.Single(result.Diagnostics, d => d.Message.Contains("are both given", StringComparison.Ordinal));
        Assert.Equal(5, both.Location.Line);
        var twice = Assert.Single(result.Diagnostics, d => d.Message.Contains("two connectors are named 'north'", StringComparison.Ordinal));
        Assert.Equal(11, twice.Location.Line);
        Assert.Contains("also at line 7", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_connector_without_its_secrets_or_with_a_literal_secret_is_refused_without_echoing_it()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId,via\n" + TempFolder.GroupA + ",north\n");
        var result = folder.Load(Pool
            .Replace("      applicationSecret: ${env:S1}\n", "")
            .Replace("${env:S2}", "hunter2-literal"), Environment);

        Assert.Null(result.RunFile);
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.ConnectionIncomplete && d.Message.Contains("'app-1': 'applicationSecret'", StringComparison.Ordinal));
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.Schema);
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.Contains("hunter2", StringComparison.Ordinal));
    }

    private const string EmbeddedPool = """
        version: 1
        name: pool
        connection:
          emulator: true
          connectors:
            - { name: north, applicationId: app-1 }
            - { name: south, applicationId: app-2 }
        actions:
          - name: survey
            type: Survey
            targets: { file: groups.csv, connector: via, groupBy: store }
            body: { title: "{{ row.store }}", questions: [ { title: "q", type: Text } ] }
        """;

    [Fact]
    public void An_item_is_pinned_by_its_cell_and_an_empty_cell_leaves_it_free()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", $"groupId,store,via\n{TempFolder.GroupA},a,south\n{TempFolder.GroupB},b,\n");
        var (items, file) = folder.Render(EmbeddedPool);

        Assert.Empty(file);
        Assert.Equal(["south", null], items.Select(i => i.Connector));
        Assert.All(items, i => Assert.Empty(i.Errors));
    }

    [Fact]
    public void A_connector_the_pool_does_not_have_makes_the_item_invalid_at_its_row_and_column()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", $"groupId,store,via\n{TempFolder.GroupA},a,sout\n{TempFolder.GroupB},b,north\n{TempFolder.GroupB},b,south\n");
        var (items, _) = folder.Render(EmbeddedPool);

        var unknown = Assert.Single(items[0].Errors);
        Assert.Equal(DiagnosticCodes.UnknownConnector, unknown.Code);
        Assert.Equal((2, "via"), (unknown.Location.Line, unknown.Location.Field));
        Assert.Contains("'sout' is not in connection.connectors (did you mean 'south'?)", unknown.Message, StringComparison.Ordinal);
        var split = Assert.Single(items[1].Errors);
        Assert.Contains("name different connectors", split.Message, StringComparison.Ordinal);
        Assert.Equal(4, split.Location.Line);
    }

    [Fact]
    public void A_connector_column_missing_from_the_header_is_a_file_error()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", $"groupId,store\n{TempFolder.GroupA},a\n");
        var (items, file) = folder.Render(EmbeddedPool);

        Assert.Empty(items);
        var missing = Assert.Single(file);
        Assert.Equal(DiagnosticCodes.CsvColumnMissing, missing.Code);
        Assert.Contains("the connector column 'via' is not in the header", missing.Message, StringComparison.Ordinal);
    }
}
