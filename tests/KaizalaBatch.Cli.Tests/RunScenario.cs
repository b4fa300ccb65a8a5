using System.Diagnostics;
using System.Globalization;
using System.Text;
using KaizalaBatch.Emulator;

namespace KaizalaBatch.Cli.Tests;

/// <summary>One end-to-end scenario: a temp folder with a run file and a CSV of groups, an emulator in this process as the
/// witness, and the real kaizala-batch process pointed at it with credentials from the environment.</summary>
public sealed class RunScenario : IAsyncDisposable
{
    public const string ApplicationId = "e2e-connector";

    /// <summary>Distinctive, so that a leak is found by a plain byte search.</summary>
    public const string ApplicationSecret = "APPSECRET-q7Zt4Lk2Vb9Rx";

    public const string RefreshToken = "REFRESHTOKEN-m3Hd8Wc5Jn1Ps";

    private readonly List<CliResult> _results = [];

    private RunScenario(KaizalaEmulator emulator, IReadOnlyList<Guid> groups)
    {
        Emulator = emulator;
        Groups = groups;
    }

    public TempFolder Folder { get; } = new();

    public KaizalaEmulator Emulator { get; private set; }

    public IReadOnlyList<Guid> Groups { get; }

    public string RunFilePath => Path.Combine(Folder.Path, "run.yaml");

    /// <summary>The default ledger path (a run file written with <c>ledger:</c> puts it elsewhere).</summary>
    public string LedgerPath => Path.Combine(Folder.Path, "e2e.ledger.db");

    /// <summary>Every process result so far, for the secret scan.</summary>
    public IReadOnlyList<CliResult> Results => _results;

    public IReadOnlyDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>
    {
        ["KB_APP"] = ApplicationId,
        ["KB_SECRET"] = ApplicationSecret,
        ["KB_REFRESH"] = RefreshToken,
    };

    /// <summary>Starts the emulator and writes <c>groups.csv</c> with <paramref name="items"/> groups (GUIDs from
    /// <paramref name="seed"/>) and a run file of one Announcement action.</summary>
    public static async Task<RunScenario> StartAsync(int items, EmulatorOptions? options = null, int seed = 1)
    {
        var random = new Random(seed);
        var groups = Enumerable.Range(0, items).Select(_ =>
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            return new Guid(bytes);
        }).ToList();
        var emulator = await KaizalaEmulator.StartAsync(options ?? new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0 });
        var scenario = new RunScenario(emulator, groups);
        var csv = new StringBuilder("groupId,site\n");
        for (var i = 0; i < groups.Count; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{groups[i]},Site {i:D3}\n");
        }
        scenario.Folder.Write("groups.csv", csv.ToString());
        scenario.WriteRunFile();
        return scenario;
    }

    /// <summary>Writes the run file; <paramref name="title"/> is the Scriban title template (change it to change every item).
    /// <paramref name="type"/> is Survey (the service can list it, so a lost answer is found by the read-back) or Announcement
    /// (it cannot: a lost answer stays in doubt until resolve, unless <paramref name="inDoubt"/> is "resend").</summary>
    public void WriteRunFile(string title = "Notice for {{ row.site }}", int perMinute = 300, int concurrency = 4, int maxAttempts = 5,
        int maxErrors = 0, string? keyTemplate = null, int? timeoutSeconds = null, bool withReminder = false, string type = "Survey",
        string? inDoubt = null, string? ledger = null)
    {
        var body = type == "Survey"
            ? """
                    questions:
                      - { title: "Read it?", type: SingleOption, options: [ { title: "Yes" }, { title: "No" } ] }
              """
            : """
                    message: "Please read the notice for {{ row.site }}."
              """;
        var yaml = $$$"""
            version: 1
            name: e2e
            {{{(ledger is null ? "" : $"ledger: {ledger}")}}}
            connection:
              apiRoot: {{{Emulator.ApiRoot}}}
              applicationId: ${env:KB_APP}
              applicationSecret: ${env:KB_SECRET}
              refreshToken: ${env:KB_REFRESH}
            {{{(timeoutSeconds is { } t ? $"  timeoutSeconds: {t}" : "")}}}
            limits:
              perMinute: {{{perMinute}}}
              concurrency: {{{concurrency}}}
              maxAttempts: {{{maxAttempts}}}
              maxErrors: {{{maxErrors}}}
            {{{(inDoubt is null ? "" : $"  inDoubt: {inDoubt}")}}}
            actions:
              - name: notice
                type: {{{type}}}
                targets:
                  file: groups.csv
            {{{(keyTemplate is null ? "" : $"    key: \"{keyTemplate}\"")}}}
                body:
                  title: "{{{title}}}"
            {{{body}}}
            {{{(withReminder ? Reminder : "")}}}
            """;
        File.WriteAllText(RunFilePath, yaml);
    }

    /// <summary>A second action to the same groups, for <c>--only</c>.</summary>
    private const string Reminder = """
          - name: reminder
            type: Announcement
            targets:
              file: groups.csv
            body:
              title: "Reminder for {{ row.site }}"
              message: "The notice for {{ row.site }} is waiting."
        """;

    /// <summary>Replaces the emulator (a fresh one with other options); the run file is rewritten to point at it.</summary>
    public async Task ReplaceEmulatorAsync(EmulatorOptions options, Action? rewriteRunFile = null)
    {
        await Emulator.DisposeAsync();
        Emulator = await KaizalaEmulator.StartAsync(options);
        (rewriteRunFile ?? (() => WriteRunFile()))();
    }

    /// <summary>Runs <c>kaizala-batch COMMAND run.yaml ARGS</c> to its end.</summary>
    public async Task<CliResult> CliAsync(string command, params string[] args)
    {
        var result = await CliProcess.RunAsync([command, RunFilePath, .. args], Folder.Path, Environment, TimeSpan.FromSeconds(90));
        lock (_results)
        {
            _results.Add(result);
        }
        return result;
    }

    public Task<CliResult> RunAsync(params string[] args) => CliAsync("run", args);

    /// <summary>Starts <c>kaizala-batch run</c> without waiting for it; the caller reads its output and ends it.</summary>
    public Process Start(params string[] args)
    {
        var process = Process.Start(CliProcess.StartInfo(["run", RunFilePath, .. args], Folder.Path, Environment))
            ?? throw new InvalidOperationException("could not start kaizala-batch");
        process.StandardInput.Close();
        return process;
    }

    /// <summary>How many Actions each group received (all groups of the scenario, zero included).</summary>
    public Dictionary<Guid, int> ActionsPerGroup()
    {
        var counts = Groups.ToDictionary(g => g, _ => 0);
        foreach (var action in Emulator.Actions)
        {
            counts[action.GroupId] = counts.GetValueOrDefault(action.GroupId) + 1;
        }
        return counts;
    }

    /// <summary>Asserts that every group received exactly one Action.</summary>
    public void AssertEachGroupExactlyOnce(string because = "")
    {
        var counts = ActionsPerGroup();
        var wrong = counts.Where(c => c.Value != 1).Select(c => $"{c.Key}: {c.Value}").ToList();
        Assert.True(wrong.Count == 0, $"groups not delivered exactly once {because}: {string.Join(", ", wrong.Take(10))} ({wrong.Count} in all)");
        Assert.Equal(Groups.Count, Emulator.Actions.Count);
    }

    /// <summary>The export as JSON lines, parsed.</summary>
    public async Task<IReadOnlyList<System.Text.Json.Nodes.JsonObject>> ExportJsonlAsync()
    {
        var out_ = Path.Combine(Folder.Path, "export-" + Guid.NewGuid().ToString("N")[..6] + ".jsonl");
        var result = await CliAsync("export", "--format", "jsonl", "--out", out_);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        return File.ReadAllLines(out_).Select(l => (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(l)!).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        Folder.Dispose();
    }
}
