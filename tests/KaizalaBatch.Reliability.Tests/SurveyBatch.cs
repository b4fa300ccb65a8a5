using System.Globalization;
using System.Text;

namespace KaizalaBatch.Reliability.Tests;

/// <summary>A Survey to <c>items</c> distinct groups, as a run file and a CSV in a temp folder, sent to a running
/// emulator's API root. The secrets come from the environment, as the run file schema demands.</summary>
public static class SurveyBatch
{
    public const string SecretVariable = "KB_RELIABILITY_SECRET";
    public const string RefreshVariable = "KB_RELIABILITY_REFRESH";

    public static readonly IReadOnlyDictionary<string, string?> Environment = new Dictionary<string, string?>
    {
        [SecretVariable] = "reliability-secret",
        [RefreshVariable] = "reliability-refresh",
    };

    /// <summary>For in-process runs (<see cref="Cli.CliApp"/>): the same variables in this process.</summary>
    public static void ExportEnvironment()
    {
        foreach (var (name, value) in Environment)
        {
            System.Environment.SetEnvironmentVariable(name, value);
        }
    }

    /// <summary>Writes run.yaml and groups.csv; returns the run file's path. Group ids are drawn from <paramref name="seed"/>.</summary>
    /// <param name="announcement">Send an Announcement instead of a Survey: a type the service cannot list, so a lost answer
    /// is held in doubt for <c>resolve</c>.</param>
    /// <param name="ledger">The run file's <c>ledger:</c> (a PostgreSQL URL, say); null: the default SQLite file.</param>
    public static string Write(TempFolder folder, Uri apiRoot, int items, int seed, int concurrency = 8, int maxAttempts = 5,
        int timeoutSeconds = 60, bool announcement = false, string? ledger = null, int perMinute = 1_000_000)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("groupId,site,contacts\n");
        Span<byte> bytes = stackalloc byte[16];
        for (var i = 0; i < items; i++)
        {
            random.NextBytes(bytes);
            csv.Append(CultureInfo.InvariantCulture, $"{new Guid(bytes)},Store {i + 1},\"98{random.Next(10_000_000, 99_999_999)}\"\n");
        }
        folder.Write("groups.csv", csv.ToString());
        return folder.Write("run.yaml", Connection(apiRoot, timeoutSeconds) + (ledger is null ? "" : $"ledger: {ledger}\n")
            + string.Create(CultureInfo.InvariantCulture, $$$"""
            limits:
              perMinute: {{{perMinute}}}
              concurrency: {{{concurrency}}}
              maxAttempts: {{{maxAttempts}}}
              maxErrors: 0
            actions:
              - name: survey
                type: {{{(announcement ? "Announcement" : "Survey")}}}
                targets:
                  file: groups.csv
                body:
                  title: "Safety check: {{ row.site }}"
            {{{(announcement ? AnnouncementBody : SurveyBody)}}}

            """));
    }

    private const string SurveyBody = """
              questions:
                - title: "Confirm the contacts: {{ phones row.contacts | array.join ', ' }}"
                  type: Text
        """;

    private const string AnnouncementBody = """
              message: "Confirm the contacts: {{ phones row.contacts | array.join ', ' }}"
        """;

    /// <summary>The head of a run file that sends to <paramref name="apiRoot"/> with the test credentials.</summary>
    public static string Connection(Uri apiRoot, int timeoutSeconds = 60) => string.Create(CultureInfo.InvariantCulture, $$"""
        version: 1
        name: reliability
        connection:
          apiRoot: {{apiRoot}}
          applicationId: reliability
          applicationSecret: ${env:{{SecretVariable}}}
          refreshToken: ${env:{{RefreshVariable}}}
          timeoutSeconds: {{timeoutSeconds}}

        """);
}
