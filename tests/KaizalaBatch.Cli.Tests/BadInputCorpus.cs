namespace KaizalaBatch.Cli.Tests;

/// <summary>One broken input: the files of a run folder, the exit code `validate` must give, and the text the
/// message must hold (the file and its line:column or CSV row, and a word of what is wrong).</summary>
public sealed record BadInput(string Name, IReadOnlyDictionary<string, string> Files, int ExitCode, string[] Expected)
{
    public override string ToString() => Name;
}

/// <summary>The corpus of broken run folders. Exit 2: the input is unusable as a whole (nothing could be sent);
/// exit 1: the input is usable but some items are invalid (those would never be sent).</summary>
public static class BadInputCorpus
{
    public const string Guid1 = "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b";
    public const string Guid2 = "8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d";
    public const string Guid3 = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e";

    public static readonly string GoodCsv = $"groupId,site,manager,dueHours\n{Guid1},Pune,9811111111,24\n{Guid2},Delhi,9822222222,48\n";

    /// <summary>A valid survey run file; cases replace one line or one file of it.</summary>
    public const string GoodRun = """
        version: 1
        name: corpus
        phoneDefaults: { countryCode: "+91" }
        actions:
          - name: survey
            type: Survey
            targets:
              file: groups.csv
            body:
              title: "Check {{ row.site }}"
              dueDate: "{{ row.dueHours }}"
              questions:
                - { title: "Clear?", type: SingleOption, options: [ { title: "Yes" }, { title: "No" } ] }
        """;

    private static Dictionary<string, string> Run(string run, string? csv = null) =>
        new Dictionary<string, string> { ["run.yaml"] = run, ["groups.csv"] = csv ?? GoodCsv };

    private static string Job(string assignedTo, string extra = "") => $$$"""
        version: 1
        name: corpus
        phoneDefaults: { countryCode: "+91" }
        actions:
          - name: job
            type: Job
            targets: { file: groups.csv }
            body:
              title: "Count {{ row.site }}"
              assignedTo: {{{assignedTo}}}
        {{{extra}}}
        """;

    private static string Body(string type, string body) => $"""
        version: 1
        name: corpus
        actions:
          - name: item
            type: {type}
            targets: {"{"} file: groups.csv {"}"}
            body:
        {body}
        """;

    public static IEnumerable<BadInput> All()
    {
        // YAML syntax
        yield return new("yaml: unclosed quote", Run(GoodRun.Replace("title: \"Check {{ row.site }}\"", "title: \"Check {{ row.site }}")), 2, ["run.yaml:"]);
        yield return new("yaml: unclosed flow sequence", Run(GoodRun.Replace("options: [ { title: \"Yes\" }, { title: \"No\" } ] }", "options: [ { title: \"Yes\" }")), 2, ["run.yaml:"]);
        yield return new("yaml: bad indentation", Run(GoodRun.Replace("    type: Survey", "      type: Survey")), 2, ["run.yaml:6"]);
        yield return new("yaml: tab indentation", Run(GoodRun.Replace("    type: Survey", "\ttype: Survey")), 2, ["run.yaml:5", "tab"]);
        yield return new("yaml: duplicate key", Run(GoodRun.Replace("name: corpus", "name: corpus\nname: again")), 2, ["run.yaml:3", "name"]);
        yield return new("yaml: empty run file", Run(""), 2, ["run.yaml"]);
        yield return new("yaml: a list, not a mapping", Run("- version: 1\n"), 2, ["run.yaml:1"]);
        // Found by the fuzzer: YamlDotNet's scanner throws InvalidOperationException on this one.
        yield return new("yaml: a stray '{{' line between keys", Run("version: 1\nname: x\n{{\nactions: []\n"), 2, ["run.yaml:4", "KB1001"]);
        // Schema
        yield return new("schema: version 2", Run(GoodRun.Replace("version: 1", "version: 2")), 2, ["run.yaml:1", "version"]);
        yield return new("schema: no name", Run(GoodRun.Replace("name: corpus\n", "")), 2, ["run.yaml", "name"]);
        yield return new("schema: no actions", Run("version: 1\nname: corpus\n"), 2, ["run.yaml", "actions"]);
        yield return new("schema: empty actions", Run("version: 1\nname: corpus\nactions: []\n"), 2, ["run.yaml:3", "actions"]);
        yield return new("schema: unknown top-level key", Run(GoodRun + "\nactionz: []\n"), 2, ["run.yaml:14", "actionz"]);
        yield return new("schema: unknown action type", Run(GoodRun.Replace("type: Survey", "type: Surveyy")), 2, ["run.yaml:6", "Surveyy"]);
        yield return new("schema: perMinute not a number", Run(GoodRun.Replace("phoneDefaults", "limits: { perMinute: fast }\nphoneDefaults")), 2, ["run.yaml:3", "perMinute"]);
        yield return new("schema: concurrency zero", Run(GoodRun.Replace("phoneDefaults", "limits:\n  concurrency: 0\nphoneDefaults")), 2, ["run.yaml:4", "concurrency"]);
        yield return new("schema: action without targets", Run(GoodRun.Replace("    targets:\n      file: groups.csv\n", "")), 2, ["run.yaml:5", "targets"]);
        yield return new("schema: targets without file", Run(GoodRun.Replace("      file: groups.csv", "      groupId: groupId")), 2, ["run.yaml:8", "file"]);
        yield return new("schema: several errors reported together", Run(GoodRun.Replace("version: 1", "version: 3").Replace("type: Survey", "type: Nope")), 2, ["run.yaml:1", "run.yaml:6"]);
        // Semantics of the run file
        yield return new("run file: body and bodyTemplate", Run(GoodRun.Replace("    body:", "    bodyTemplate: survey.sbn\n    body:")), 2, ["run.yaml:", "bodyTemplate"]);
        yield return new("run file: neither body nor bodyTemplate", Run(GoodRun[..GoodRun.IndexOf("    body:", StringComparison.Ordinal)]), 2, ["run.yaml:5", "body"]);
        yield return new("run file: Custom without packageId", Run(Body("Custom", "      properties: []")), 2, ["run.yaml:5", "packageId"]);
        yield return new("run file: packageId on a Survey", Run(GoodRun.Replace("    type: Survey", "    type: Survey\n    packageId: com.contoso.x")), 2, ["run.yaml:7", "packageId"]);
        yield return new("run file: duplicate action names", Run(GoodRun + "\n" + GoodRun[GoodRun.IndexOf("  - name: survey", StringComparison.Ordinal)..]), 2, ["run.yaml:", "survey"]);
        yield return new("run file: missing secret variable", Run(GoodRun.Replace("phoneDefaults", "connection:\n  apiRoot: https://api.kaiza.la/v1\n  applicationId: ${env:KB_CORPUS_NO_SUCH_ID}\n  applicationSecret: ${env:KB_CORPUS_NO_SUCH_SECRET}\n  refreshToken: ${env:KB_CORPUS_NO_SUCH_TOKEN}\nphoneDefaults")), 2, ["run.yaml:5", "KB_CORPUS_NO_SUCH_ID"]);
        yield return new("run file: plain http to a remote host", Run(GoodRun.Replace("phoneDefaults", "connection:\n  apiRoot: http://api.example.com/v1\n  applicationId: a\n  applicationSecret: b\n  refreshToken: c\nphoneDefaults")), 2, ["run.yaml:4", "http://"]);
        yield return new("run file: bodyTemplate file missing", Run(GoodRun[..GoodRun.IndexOf("    body:", StringComparison.Ordinal)] + "    bodyTemplate: nowhere.sbn\n"), 2, ["nowhere.sbn"]);
        // CSV
        yield return new("csv: file missing", new Dictionary<string, string> { ["run.yaml"] = GoodRun }, 2, ["groups.csv"]);
        yield return new("csv: empty file", Run(GoodRun, ""), 2, ["groups.csv", "empty"]);
        yield return new("csv: no groupId column", Run(GoodRun, "group,site,manager,dueHours\nx,Pune,1,24\n"), 2, ["groups.csv", "groupId"]);
        yield return new("csv: duplicate header", Run(GoodRun, $"groupId,site,site,dueHours\n{Guid1},a,b,24\n"), 2, ["groups.csv", "site"]);
        yield return new("csv: empty header cell", Run(GoodRun, $"groupId,,site,dueHours\n{Guid1},a,b,24\n"), 2, ["groups.csv", "header"]);
        yield return new("csv: ragged row", Run(GoodRun, $"groupId,site,manager,dueHours\n{Guid1},Pune,98111,24\n{Guid2},Delhi,98222,48,extra,fields\n"), 2, ["groups.csv", "row 2"]);
        yield return new("csv: unterminated quote", Run(GoodRun, $"groupId,site,manager,dueHours\n{Guid1},\"Pune,98111,24\n"), 2, ["groups.csv"]);
        yield return new("csv: groupBy column missing", Run(GoodRun.Replace("      file: groups.csv", "      file: groups.csv\n      groupBy: depot")), 2, ["groups.csv", "depot"]);
        // Templates
        yield return new("template: syntax error", Run(GoodRun.Replace("\"Check {{ row.site }}\"", "\"Check {{ row.site + }}\"")), 2, ["run.yaml:10"]);
        yield return new("template: include refused", Run(GoodRun.Replace("\"Check {{ row.site }}\"", "\"{{ include 'secrets.txt' }}\"")), 1, ["run.yaml", "row 1"]);
        yield return new("template: runaway loop", Run(GoodRun.Replace("\"Check {{ row.site }}\"", "\"{{ while true }}x{{ end }}\"")), 1, ["row 1"]);
        yield return new("template: unknown function", Run(GoodRun.Replace("\"Check {{ row.site }}\"", "\"{{ nosuchfunction row.site }}\"")), 1, ["row 1"]);
        yield return new("template: where syntax error", Run(GoodRun.Replace("      file: groups.csv", "      file: groups.csv\n      where: \"{{ row.site == \"")), 2, ["run.yaml:9"]);
        yield return new("template: bodyTemplate renders bad JSON", new Dictionary<string, string> { ["run.yaml"] = GoodRun[..GoodRun.IndexOf("    body:", StringComparison.Ordinal)] + "    bodyTemplate: survey.sbn\n", ["groups.csv"] = GoodCsv, ["survey.sbn"] = "{ \"title\": \"{{ row.site }}\", questions: [ }" }, 1, ["survey.sbn", "row 1"]);
        // Action rules
        yield return new("rules: group id not a GUID", Run(GoodRun, $"groupId,site,manager,dueHours\n{Guid1},Pune,1,24\nnot-a-guid,Delhi,2,48\n"), 1, ["groups.csv", "row 2", "GUID"]);
        yield return new("rules: dueDate not an integer", Run(GoodRun, $"groupId,site,manager,dueHours\n{Guid1},Pune,1,soon\n"), 1, ["row 1", "dueDate"]);
        yield return new("rules: choice question without options", Run(GoodRun.Replace(", options: [ { title: \"Yes\" }, { title: \"No\" } ] }", " }")), 1, ["row 1", "questions[0].options"]);
        yield return new("rules: unknown question type", Run(GoodRun.Replace("type: SingleOption", "type: Slider")), 1, ["row 1", "questions[0].type"]);
        yield return new("rules: survey without questions", Run(GoodRun[..GoodRun.IndexOf("      questions:", StringComparison.Ordinal)]), 1, ["row 1", "questions"]);
        yield return new("rules: invalid phone number", Run(Job("\"{{ phones row.manager }}\""), $"groupId,site,manager\n{Guid1},Pune,98111\n"), 1, ["row 1", "assignedTo"]);
        yield return new("rules: job without assignees", Run(Job("[]")), 1, ["row 1", "assignedTo"]);
        yield return new("rules: poll without choices", Run(Body("Poll", "      question: \"Where?\"")), 1, ["row 1", "choices"]);
        yield return new("rules: announcement without message", Run(Body("Announcement", "      title: \"Hello\"")), 1, ["row 1", "message"]);
        yield return new("rules: letsmeet with a bad starting time", Run(Body("LetsMeet", "      title: \"Meet\"\n      startingTime: \"next tuesday\"")), 1, ["row 1", "startingTime"]);
        yield return new("rules: media file missing", Run(Body("Image", "      mediaResource: { file: \"photos/{{ row.site }}.png\" }")), 1, ["row 1", "Pune.png"]);
        yield return new("rules: media extension not allowed", new Dictionary<string, string> { ["run.yaml"] = Body("Image", "      mediaResource: { file: \"photo.gif\" }"), ["groups.csv"] = GoodCsv, ["photo.gif"] = "GIF89a" }, 1, ["row 1", ".gif"]);
        // A CSV cell must not choose a file outside the run folder (symbolic links: MediaPathE2eTests)
        yield return new("media: a cell with a '..' out of the run folder", Run(Body("Document", "      mediaResource: { file: \"{{ row.site }}\" }"), $"groupId,site\n{Guid1},../secret.pdf\n"), 2, ["groups.csv:2 row 1 [site]", "KB4008", "'..'"]);
        yield return new("media: a cell with an absolute path", Run(Body("Document", "      mediaResource: { file: \"docs/{{ row.site }}\" }"), $"groupId,site\n{Guid1},docs/a.pdf\n{Guid2},/etc/secret.pdf\n"), 1, ["groups.csv:3 row 2", "docs//etc/secret.pdf", "does not exist"]);
        yield return new("media: a lone cell with an absolute path", Run(Body("Image", "      mediaResource: { file: \"{{ row.site }}\" }"), $"groupId,site\n{Guid1},/etc/secret.png\n"), 2, ["groups.csv:2 row 1 [site]", "KB4008", "absolute path"]);
        yield return new("items: duplicate identity names both rows", Run(GoodRun.Replace("    targets:", "    key: \"same\"\n    targets:")), 2, ["row 1", "row 2"]);
    }

    public static TheoryData<BadInput> Cases()
    {
        var data = new TheoryData<BadInput>();
        foreach (var input in All())
        {
            data.Add(input);
        }
        return data;
    }
}
