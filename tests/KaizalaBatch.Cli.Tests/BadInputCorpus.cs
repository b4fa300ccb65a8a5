namespace KaizalaBatch.Cli.Tests;

/// <summary>One broken input: the files of a run folder, the exit code `validate` must give, and the text the
/// message must hold (the file and its line:column or CSV row, and a word of what is wrong); <paramref name="Once"/>:
/// texts that must appear exactly once.</summary>
public sealed record BadInput(string Name, IReadOnlyDictionary<string, string> Files, int ExitCode, string[] Expected, string[]? Once = null)
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

    /// <summary>Nine lines of nested aliases: a billion values once expanded.</summary>
    private const string AliasBomb = """
        version: 1
        name: bomb
        vars:
          a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
          b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
          c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
          d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
          e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
          f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
          g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
          h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
          i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
        actions:
          - name: job
            type: Job
            targets: { file: groups.csv }
            body: { title: "x", assignedTo: "+911111111111" }
        """;

    public static IEnumerable<BadInput> All()
    {
        // YAML syntax
        yield return new("yaml: unclosed quote", Run(GoodRun.Replace("title: \"Check {{ row.site }}\"", "title: \"Check {{ row.site }}")), 2, ["run.yaml:"]);
        yield return new("yaml: unclosed flow sequence", Run(GoodRun.Replace("options: [ { title: \"Yes\" }, { title: \"No\" } ] }", "options: [ { title: \"Yes\" }")), 2, ["run.yaml:"]);
        yield return new("yaml: bad indentation", Run(GoodRun.Replace("    type: Survey", "      type: Survey")), 2, ["run.yaml:6"]);
        yield return new("yaml: tab indentation", Run(GoodRun.Replace("    type: Survey", "\ttype: Survey")), 2, ["run.yaml:6:1", "tab"]);
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
        yield return new("schema: unknown action type", Run(GoodRun.Replace("type: Survey", "type: Surveyy")), 2, ["run.yaml:6", "Surveyy", "did you mean 'Survey'?"]);
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
        yield return new("template: include refused", Run(GoodRun.Replace("\"Check {{ row.site }}\"", "\"{{ include 'secrets.txt' }}\"")), 2, ["run.yaml:10:18", "include is not allowed"], ["include is not allowed"]);
        yield return new("template: runaway loop", Run(GoodRun.Replace("\"Check {{ row.site }}\"", "\"{{ while true }}x{{ end }}\"")), 1, ["row 1"]);
        yield return new("template: unknown function", Run(GoodRun.Replace("\"Check {{ row.site }}\"", "\"{{ nosuchfunction row.site }}\"")), 2, ["run.yaml:10:18", "KB3005", "nosuchfunction"], ["nosuchfunction"]);
        yield return new("template: where syntax error", Run(GoodRun.Replace("      file: groups.csv", "      file: groups.csv\n      where: \"{{ row.site == \"")), 2, ["run.yaml:9"]);
        yield return new("template: bodyTemplate renders bad JSON", new Dictionary<string, string> { ["run.yaml"] = GoodRun[..GoodRun.IndexOf("    body:", StringComparison.Ordinal)] + "    bodyTemplate: survey.sbn\n", ["groups.csv"] = GoodCsv, ["survey.sbn"] = "{ \"title\": \"{{ row.site }}\", questions: [ }" }, 1, ["survey.sbn", "row 1"]);
        // Action rules
        yield return new("rules: group id not a GUID", Run(GoodRun, $"groupId,site,manager,dueHours\n{Guid1},Pune,1,24\nnot-a-guid,Delhi,2,48\n"), 1, ["groups.csv", "row 2", "GUID"]);
        yield return new("rules: dueDate not an integer", Run(GoodRun, $"groupId,site,manager,dueHours\n{Guid1},Pune,1,soon\n"), 1, ["row 1", "dueDate"]);
        yield return new("rules: choice question without options (literal)", Run(GoodRun.Replace(", options: [ { title: \"Yes\" }, { title: \"No\" } ] }", " }")), 2, ["run.yaml:13:11", "questions[0].options"], ["questions[0].options"]);
        yield return new("rules: unknown question type (literal)", Run(GoodRun.Replace("type: SingleOption", "type: Slider")), 2, ["run.yaml:13:36", "questions[0].type"], ["Slider"]);
        yield return new("rules: survey without questions (literal)", Run(GoodRun[..GoodRun.IndexOf("      questions:", StringComparison.Ordinal)]), 2, ["run.yaml:10:7", "questions: is required"], ["questions: is required"]);
        yield return new("rules: invalid phone number", Run(Job("\"{{ phones row.manager }}\""), $"groupId,site,manager\n{Guid1},Pune,98111\n"), 1, ["row 1", "assignedTo"]);
        yield return new("rules: job without assignees (literal)", Run(Job("[]")), 2, ["run.yaml:10:19", "assignedTo"], ["assignedTo"]);
        yield return new("rules: poll without choices (literal)", Run(Body("Poll", "      question: \"Where?\"")), 2, ["run.yaml:8:7", "choices"], ["choices"]);
        yield return new("rules: announcement without message (literal)", Run(Body("Announcement", "      title: \"Hello\"")), 2, ["run.yaml:8:7", "message"], ["message"]);
        yield return new("rules: letsmeet with a bad starting time (literal)", Run(Body("LetsMeet", "      title: \"Meet\"\n      startingTime: \"next tuesday\"")), 2, ["run.yaml:9:21", "startingTime"], ["startingTime"]);
        yield return new("rules: media file missing", Run(Body("Image", "      mediaResource: { file: \"photos/{{ row.site }}.png\" }")), 1, ["row 1", "Pune.png"]);
        yield return new("rules: media extension not allowed", new Dictionary<string, string> { ["run.yaml"] = Body("Image", "      mediaResource: { file: \"photo.gif\" }"), ["groups.csv"] = GoodCsv, ["photo.gif"] = "GIF89a" }, 2, ["run.yaml:8:30", ".gif"], ["has the extension"]);
        // A CSV cell must not choose a file outside the run folder (symbolic links: MediaPathE2eTests)
        yield return new("media: a cell with a '..' out of the run folder", Run(Body("Document", "      mediaResource: { file: \"{{ row.site }}\" }"), $"groupId,site\n{Guid1},../secret.pdf\n"), 2, ["groups.csv:2 row 1 [site]", "KB4009", "'..'"]);
        yield return new("media: a cell with an absolute path", Run(Body("Document", "      mediaResource: { file: \"docs/{{ row.site }}\" }"), $"groupId,site\n{Guid1},docs/a.pdf\n{Guid2},/etc/secret.pdf\n"), 1, ["groups.csv:3 row 2", "docs//etc/secret.pdf", "does not exist"]);
        yield return new("media: a lone cell with an absolute path", Run(Body("Image", "      mediaResource: { file: \"{{ row.site }}\" }"), $"groupId,site\n{Guid1},/etc/secret.png\n"), 2, ["groups.csv:2 row 1 [site]", "KB4009", "absolute path"]);
        yield return new("items: duplicate identity names both rows", Run(GoodRun.Replace("    targets:", "    key: \"same\"\n    targets:")), 2, ["row 1", "row 2"]);
        // Issue 10: strict templates, checked once against the CSV header and vars
        yield return new("strict: a column the CSV lacks", Run(GoodRun.Replace("row.site", "row.sitename")), 2,
            ["run.yaml:10:28", "KB3005", "no column 'sitename'", "did you mean 'site'?", "groupId, site, manager, dueHours"], ["no column 'sitename'"]);
        yield return new("strict: a deleted column", Run(GoodRun, $"groupId,manager,dueHours\n{Guid1},9811111111,24\n{Guid2},9822222222,48\n"), 2,
            ["run.yaml:10:28", "no column 'site'"], ["no column 'site'"]);
        yield return new("strict: a vars key that does not exist", Run(GoodRun.Replace("phoneDefaults", "vars: { region: APAC }\nphoneDefaults").Replace("Check {{ row.site }}", "Check {{ vars.regoin }}")), 2,
            ["run.yaml:11:29", "vars has no key 'regoin' (did you mean 'region'?); it has region"]);
        yield return new("strict: rows without groupBy", Run(GoodRun.Replace("Check {{ row.site }}", "Check {{ rows.size }}")), 2, ["run.yaml:10:24", "groupBy"]);
        yield return new("strict: a misspelled builtin function", Run(GoodRun.Replace("{{ row.site }}", "{{ row.site | string.upcse }}")), 2,
            ["run.yaml:10:42", "string has no function 'upcse' (did you mean 'upcase'?)"]);
        yield return new("strict: a misspelled run member", Run(GoodRun.Replace("{{ row.site }}", "{{ run.nmae }}")), 2, ["run.yaml:10:28", "did you mean 'name'?"]);
        yield return new("strict: a where filter naming a missing column", Run(GoodRun.Replace("      file: groups.csv", "      file: groups.csv\n      where: \"row.regoin == 'APAC'\"")), 2,
            ["run.yaml:9:19", "no column 'regoin'"], ["no column 'regoin'"]);
        yield return new("strict: a key template naming a missing column", Run(GoodRun.Replace("    targets:", "    key: \"{{ row.store }}\"\n    targets:")), 2,
            ["run.yaml:7:18", "no column 'store'"]);
        yield return new("strict: a bodyTemplate naming a missing column", new Dictionary<string, string> { ["run.yaml"] = GoodRun[..GoodRun.IndexOf("    body:", StringComparison.Ordinal)] + "    bodyTemplate: survey.sbn\n", ["groups.csv"] = GoodCsv, ["survey.sbn"] = "{\n  \"title\": \"{{ row.siteName2 }}\",\n  \"questions\": [ { \"title\": \"Q\", \"type\": \"Text\" } ]\n}" }, 2,
            ["survey.sbn:2:20", "no column 'siteName2'"]);
        yield return new("strict: the fallback form passes", Run(GoodRun.Replace("Check {{ row.site }}", "Check {{ row.store ?? 'the store' }}")), 0, ["2 valid, 0 invalid; 0 input errors."]);
        // Issue 10: every body typed
        yield return new("body: unknown key in a Job", Run(Job("[\"+911111111111\"]", "      dueDat: 48")), 2, ["run.yaml:11:7", "'dueDat' is not a known key", "did you mean 'dueDate'?"]);
        yield return new("body: unknown key in a survey question", Run(GoodRun.Replace("type: SingleOption", "typ: SingleOption")), 2, ["run.yaml:13:30", "'typ' is not a known key", "did you mean 'type'?"]);
        yield return new("body: unknown key in a custom body", Run(Body("Custom", "      propertes: []").Replace("    type: Custom", "    type: Custom\n    packageId: com.contoso.x")), 2, ["run.yaml:9:7", "did you mean 'properties'?"]);
        yield return new("body: unknown key rendered by a bodyTemplate", new Dictionary<string, string> { ["run.yaml"] = GoodRun[..GoodRun.IndexOf("    body:", StringComparison.Ordinal)] + "    bodyTemplate: survey.sbn\n", ["groups.csv"] = GoodCsv, ["survey.sbn"] = "{ \"title\": \"{{ row.site }}\", \"dueDat\": 4, \"questions\": [ { \"title\": \"Q\", \"type\": \"Text\" } ] }" }, 1,
            ["groups.csv:2 row 1", "KB4008", "did you mean 'dueDate'?"]);
        yield return new("body: Title and title together", Run(Body("Announcement", "      title: \"Hi\"\n      Title: \"Hi\"\n      message: \"m\"")), 2, ["run.yaml:9:14", "Title: is the same field as title"], ["same field"]);
        yield return new("body: duration and durationInMins together", Run(Body("LetsMeet", "      title: \"Meet\"\n      startingTime: \"2026-03-01T10:00:00Z\"\n      duration: 30\n      durationInMins: 30")), 2, ["run.yaml:10:17", "same field as durationInMins"]);
        // Issue 10: a literal that breaks a rule is the run file's mistake, once
        yield return new("literal: dueDate abc", Run(GoodRun.Replace("\"{{ row.dueHours }}\"", "\"abc\"")), 2, ["run.yaml:11:16", "dueDate: must be an integer"], ["dueDate"]);
        yield return new("literal: question type SingleOptoin", Run(GoodRun.Replace("type: SingleOption", "type: SingleOptoin")), 2, ["run.yaml:13:36", "did you mean 'SingleOption'?"], ["SingleOptoin"]);
        yield return new("literal: an invalid phone number", Run(Job("[ \"12\" ]")), 2, ["run.yaml:10:21", "'+9112' is not a phone number"], ["+9112"]);
        yield return new("literal: a media file that does not exist", Run(Body("Image", "      mediaResource: { file: \"photos/none.png\" }")), 2, ["run.yaml:8:30", "none.png"], ["the file 'photos/none.png' does not exist"]);
        yield return new("literal: dueDate zero in a bodyTemplate-free Job", Run(Job("[\"+911111111111\"]", "      dueDate: 0")), 2, ["run.yaml:11:16", "at least 1"], ["at least 1"]);
        yield return new("row: a bad cell stays on its row", Run(GoodRun, $"groupId,site,manager,dueHours\n{Guid1},Pune,1,24\n{Guid2},Delhi,2,soon\n"), 1, ["groups.csv:3 row 2", "dueDate"]);
        // Issue 10: bounded reading
        yield return new("bounds: a YAML alias bomb", Run(AliasBomb), 2, ["run.yaml:9:", "KB1015", "aliases"]);
        yield return new("bounds: YAML nested deeper than 64 levels", Run(GoodRun.Replace("phoneDefaults", "vars: { deep: " + new string('[', 70) + new string(']', 70) + " }\nphoneDefaults")), 2, ["run.yaml:3:", "deeper than 64"]);
        yield return new("bounds: a run file over 1 MiB", Run(GoodRun + "\n#" + new string('x', 1024 * 1024) + "\n"), 2, ["run.yaml", "KB1015", "1 MiB"]);
        yield return new("bounds: a CSV cell over 100,000 characters", Run(GoodRun, $"groupId,site,manager,dueHours\n{Guid1},Pune,1,24\n{Guid2},{new string('x', 150_000)},2,48\n"), 2, ["groups.csv:3 row 2 [site]", "KB2009", "150,000 characters"]);
        yield return new("bounds: a tab in the indentation on line 9", Run(GoodRun.Replace("    body:", "\tbody:")), 2, ["run.yaml:9:1", "tab"]);
        // Issue 10: messages
        yield return new("messages: one error is singular", Run(GoodRun.Replace("version: 1", "version: 7")), 2, ["(1 error)"]);
        yield return new("messages: a CSV shared by two actions reports its error once", Run(GoodRun + "\n" + GoodRun[GoodRun.IndexOf("  - name: survey", StringComparison.Ordinal)..].Replace("name: survey", "name: survey2"), $"groupId,site,manager,dueHours\n{Guid1},Pune,1,24\n{Guid2},Delhi,2\n"), 2,
            ["groups.csv:3 row 2", "1 input error."], ["data row 2 has 3 fields"]);
        yield return new("messages: a where that removes every row says so", Run(GoodRun.Replace("      file: groups.csv", "      file: groups.csv\n      where: \"row.site == 'Mumbai'\"")), 0, ["run.yaml:9:14", "KB5004", "all 2 rows of groups.csv"]);
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
