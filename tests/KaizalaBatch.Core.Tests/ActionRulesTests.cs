using System.Text.Json.Nodes;
using KaizalaBatch.Actions;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Core.Tests;

public sealed class ActionRulesTests
{
    private sealed record Applied(JsonObject Body, JsonObject? Extra, List<Diagnostic> Errors, List<MediaFile> Media)
    {
        public IEnumerable<string?> Fields => Errors.Select(e => e.Location.Field);
    }

    private static Applied Apply(string type, string json, string? directory = null, string? extraJson = null)
    {
        var rules = ActionRegistry.Find(type) ?? throw new InvalidOperationException(type);
        var body = JsonNode.Parse(json)!.AsObject();
        var extra = extraJson is null ? null : JsonNode.Parse(extraJson)!.AsObject();
        var errors = new List<Diagnostic>();
        var media = new List<MediaFile>();
        var checker = new BodyChecker(errors, new SourceLocation("groups.csv", 4, Row: 3), "action 'a', groups.csv row 3", "+91",
            new MediaResolver(directory ?? Path.GetTempPath()), media);
        rules.Apply(body, extra, checker);
        return new Applied(body, extra, errors, media);
    }

    [Fact]
    public void Every_type_is_registered_in_any_case()
    {
        Assert.Equal(["Job", "Survey", "Poll", "Announcement", "LetsMeet", "Image", "Album", "Audio", "Document", "Video", "Custom"], ActionRegistry.Types);
        Assert.Equal("LetsMeet", ActionRegistry.Find("LETSMEET")!.Type);
        Assert.Null(ActionRegistry.Find("Quiz"));
        Assert.True(ActionRegistry.Find("custom")!.IsCustom);
    }

    /// <summary>The run file reader takes its type names from the schema and never asks the rules: every name it lets
    /// through must have rules, and the one it treats as Custom must be the rules' Custom.</summary>
    [Fact]
    public void The_schema_names_exactly_the_registered_types()
    {
        Assert.Equal(ActionRegistry.Types, KaizalaBatch.RunFiles.SchemaCheck.ActionTypes);
        Assert.Equal("LetsMeet", KaizalaBatch.RunFiles.SchemaCheck.ActionType(" letsmeet "));
        Assert.Null(KaizalaBatch.RunFiles.SchemaCheck.ActionType("Quiz"));
        Assert.Equal(["Custom"], ActionRegistry.Types.Where(t => ActionRegistry.Find(t)!.IsCustom));
    }

    [Fact]
    public void Job_valid_with_default_due_date_and_normalised_phones()
    {
        var result = Apply("Job", """{ "title": "Fix the door", "assignedTo": ["98450 12345", "+1 (415) 555-0100"] }""");
        Assert.Empty(result.Errors);
        Assert.Equal(24L, result.Body["dueDate"]!.GetValue<long>());
        Assert.Equal(["+919845012345", "+14155550100"], result.Body["assignedTo"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void Job_accepts_a_phone_cell_and_a_due_date_spelled_as_text()
    {
        var result = Apply("Job", """{ "title": "t", "assignedTo": "98450 12345; 98450 54321", "dueDate": "48" }""");
        Assert.Empty(result.Errors);
        Assert.Equal(48L, result.Body["dueDate"]!.GetValue<long>());
        Assert.Equal(2, result.Body["assignedTo"]!.AsArray().Count);
    }

    [Fact]
    public void Job_invalid_names_each_field_and_the_row()
    {
        var result = Apply("Job", """{ "assignedTo": ["12"], "dueDate": "soon" }""");
        Assert.Equal(["actionBody.title", "actionBody.assignedTo[0]", "actionBody.dueDate"], result.Fields);
        Assert.All(result.Errors, e => Assert.Equal(3, e.Location.Row));
        Assert.All(result.Errors, e => Assert.Contains("groups.csv row 3", e.Message, StringComparison.Ordinal));
        Assert.Contains("'soon'", result.Errors[2].Message, StringComparison.Ordinal);
        Assert.Equal(DiagnosticCodes.Phone, result.Errors[1].Code);
    }

    [Fact]
    public void Job_without_anyone_assigned_is_invalid()
    {
        var result = Apply("Job", """{ "title": "t", "assignedTo": "" }""");
        Assert.Equal(["actionBody.assignedTo"], result.Fields);
    }

    [Fact]
    public void Survey_valid_gets_every_default_and_pascal_case_types()
    {
        var result = Apply("Survey", """
            { "title": "Safety", "questions": [
                { "title": "Exit clear?", "type": "SINGLEOPTION", "options": [ { "title": "Yes" }, "No" ] },
                { "title": "Comments", "type": "text" },
                { "title": "When", "type": "datetime", "isInvisible": "false" } ] }
            """);
        Assert.Empty(result.Errors);
        Assert.Equal(24L, result.Body["dueDate"]!.GetValue<long>());
        Assert.False(result.Body["isAnonymous"]!.GetValue<bool>());
        Assert.False(result.Body["isSenderOnly"]!.GetValue<bool>());
        Assert.False(result.Body["acceptMultipleResponses"]!.GetValue<bool>());
        var questions = result.Body["questions"]!.AsArray();
        Assert.Equal(["SingleOption", "Text", "DateTime"], questions.Select(q => q!["type"]!.GetValue<string>()));
        Assert.Equal("No", questions[0]!["options"]![1]!["title"]!.GetValue<string>());
        Assert.False(questions[2]!["isInvisible"]!.GetValue<bool>());
    }

    [Fact]
    public void Survey_converts_text_spelled_integers_and_booleans()
    {
        var result = Apply("Survey", """{ "title": "t", "dueDate": "12", "isAnonymous": "TRUE", "questions": [ { "title": "q", "type": "Numeric" } ] }""");
        Assert.Empty(result.Errors);
        Assert.Equal(12L, result.Body["dueDate"]!.GetValue<long>());
        Assert.True(result.Body["isAnonymous"]!.GetValue<bool>());
    }

    [Fact]
    public void Survey_invalid_reports_exact_paths()
    {
        var result = Apply("Survey", """
            { "title": "t", "isAnonymous": "maybe", "questions": [
                { "title": "a", "type": "Text" },
                { "title": "b", "type": "MultiOption" },
                { "title": "c", "type": "SingleOption", "options": [] },
                { "title": "d", "type": "Essay" },
                { "type": "Text", "options": [ { "title": "x" } ] },
                { "title": "f", "type": "SingleOption", "options": [ { "name": "x" } ] } ] }
            """);
        Assert.Equal(
            [
                "actionBody.isAnonymous",
                "actionBody.questions[1].options",
                "actionBody.questions[2].options",
                "actionBody.questions[3].type",
                "actionBody.questions[4].title",
                "actionBody.questions[4].options",
                "actionBody.questions[5].options[0].title",
            ],
            result.Fields);
    }

    [Fact]
    public void Survey_without_questions_is_invalid()
    {
        Assert.Equal(["actionBody.questions"], Apply("Survey", """{ "title": "t" }""").Fields);
        Assert.Equal(["actionBody.questions"], Apply("Survey", """{ "title": "t", "questions": [] }""").Fields);
        Assert.Equal(["actionBody.questions"], Apply("Survey", """{ "title": "t", "questions": "q" }""").Fields);
    }

    [Fact]
    public void Poll_valid_with_default_expiry()
    {
        var result = Apply("Poll", """{ "question": "Lunch?", "choices": [ "Pizza", { "title": "Salad" } ] }""");
        Assert.Empty(result.Errors);
        Assert.Equal(720L, result.Body["expiryInHours"]!.GetValue<long>());
        Assert.Equal("Pizza", result.Body["choices"]![0]!["title"]!.GetValue<string>());
    }

    [Fact]
    public void Poll_invalid()
    {
        var result = Apply("Poll", """{ "choices": [ { "image": 3 } ], "expiryInHours": 0 }""");
        Assert.Equal(["actionBody.question", "actionBody.expiryInHours", "actionBody.choices[0].title", "actionBody.choices[0].image"], result.Fields);
    }

    [Fact]
    public void Announcement_accepts_MediaResources_and_sends_camel_case()
    {
        var result = Apply("Announcement", """{ "title": "t", "message": "m", "MediaResources": [ "res-1", "res-2" ] }""");
        Assert.Empty(result.Errors);
        Assert.False(result.Body.ContainsKey("MediaResources"));
        Assert.Equal(2, result.Body["mediaResources"]!.AsArray().Count);
    }

    [Fact]
    public void Announcement_accepts_the_docs_capitalised_keys_and_sends_camel_case_only()
    {
        var result = Apply("Announcement", """{ "Title": "t", "Message": "m" }""");
        Assert.Empty(result.Errors);
        Assert.Equal(["title", "message"], result.Body.Select(p => p.Key).Order().Reverse());
        Assert.Equal(["actionBody.Title"], Apply("Announcement", """{ "Title": "t", "title": "t", "message": "m" }""").Fields);
    }

    [Fact]
    public void LetsMeet_accepts_duration_and_sends_duration_in_mins_only()
    {
        var result = Apply("LetsMeet", """{ "title": "Standup", "startingTime": "2026-03-01T10:00:00+05:30", "duration": 45 }""");
        Assert.Empty(result.Errors);
        Assert.Equal(45L, result.Body["durationInMins"]!.GetValue<long>());
        Assert.False(result.Body.ContainsKey("duration"));
        Assert.Equal(["actionBody.duration"],
            Apply("LetsMeet", """{ "title": "S", "startingTime": "2026-03-01T10:00:00+05:30", "duration": 45, "durationInMins": 45 }""").Fields);
    }

    [Fact]
    public void Announcement_invalid()
    {
        var result = Apply("Announcement", """{ "title": "", "mediaResources": [ 5 ] }""");
        Assert.Equal(["actionBody.title", "actionBody.message", "actionBody.mediaResources[0]"], result.Fields);
    }

    [Fact]
    public void LetsMeet_valid_with_default_duration()
    {
        var result = Apply("LetsMeet", """{ "title": "Standup", "startingTime": "2026-03-01T10:00:00+05:30", "place": { "latitude": "18.52", "longitude": 73.85, "name": "Office" }, "isSenderOnly": "false" }""");
        Assert.Empty(result.Errors);
        Assert.Equal(30L, result.Body["durationInMins"]!.GetValue<long>());
        Assert.Equal("2026-03-01T10:00:00+05:30", result.Body["startingTime"]!.GetValue<string>());
        Assert.Equal(18.52, result.Body["place"]!["latitude"]!.GetValue<double>());
    }

    [Fact]
    public void LetsMeet_invalid()
    {
        var result = Apply("LetsMeet", """{ "title": "x", "startingTime": "next tuesday", "durationInMins": "1.5", "place": { "latitude": 91 } }""");
        Assert.Equal(["actionBody.startingTime", "actionBody.durationInMins", "actionBody.place.longitude", "actionBody.place.latitude"], result.Fields);
    }

    [Theory]
    [InlineData("Image")]
    [InlineData("Album")]
    [InlineData("Audio")]
    [InlineData("Document")]
    [InlineData("Video")]
    public void Media_types_need_a_media_resource(string type)
    {
        Assert.Empty(Apply(type, """{ "mediaResource": "opaque-resource", "caption": "c" }""").Errors);
        Assert.Equal(["actionBody.mediaResource"], Apply(type, """{ "caption": "c" }""").Fields);
        Assert.Equal(["actionBody.mediaResource"], Apply(type, """{ "mediaResource": ["x"] }""").Fields);
    }

    [Fact]
    public void Custom_properties_normalise_types_and_values()
    {
        var result = Apply("Custom", """{ "properties": [ { "name": "count", "type": "NUMERIC", "value": 5 }, { "name": "tags", "type": "stringlist", "value": ["a","b"] } ] }""");
        Assert.Empty(result.Errors);
        var properties = result.Body["properties"]!.AsArray();
        Assert.Equal("Numeric", properties[0]!["type"]!.GetValue<string>());
        Assert.Equal("5", properties[0]!["value"]!.GetValue<string>());
        Assert.Equal("StringList", properties[1]!["type"]!.GetValue<string>());
        Assert.Equal("""["a","b"]""", properties[1]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Custom_invalid()
    {
        var result = Apply("Custom", """{ "properties": [ { "type": "Colour" } ] }""");
        Assert.Equal(["actionBody.properties[0].name", "actionBody.properties[0].type", "actionBody.properties[0].value"], result.Fields);
        Assert.Equal(["actionBody.properties"], Apply("Custom", "{}").Fields);
    }

    [Fact]
    public void Custom_for_subscribers_uses_extra()
    {
        var result = Apply("Custom", """{ "title": "Offer", "validity": "7" }""", extraJson: """{ "subscribers": "98450 12345", "sendToAllSubscribers": "false" }""");
        Assert.Empty(result.Errors);
        Assert.Equal(7L, result.Body["validity"]!.GetValue<long>());
        Assert.Equal("+919845012345", result.Extra!["subscribers"]![0]!.GetValue<string>());
        Assert.False(result.Extra["sendToAllSubscribers"]!.GetValue<bool>());
        Assert.Equal(["extra.colour"], Apply("Custom", """{ "title": "x" }""", extraJson: """{ "subscribers": [], "colour": 1 }""").Fields);
    }

    [Fact]
    public void Media_files_are_checked_hashed_and_listed()
    {
        using var folder = new TempFolder();
        folder.WriteBytes("photos/pune.jpg", [1, 2, 3]);
        folder.WriteBytes("docs/brief.pdf", [4, 5]);
        var image = Apply("Image", """{ "mediaResource": { "file": "photos/pune.jpg" } }""", folder.Path);
        Assert.Empty(image.Errors);
        var file = Assert.Single(image.Media);
        Assert.Equal("/mediaResource", file.JsonPath);
        Assert.Equal(Path.Combine(folder.Path, "photos", "pune.jpg"), file.FullPath);
        Assert.Equal("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", file.ContentHash);
        Assert.Equal("image/jpeg", file.MimeType);
        Assert.Equal("photos/pune.jpg", image.Body["mediaResource"]!["file"]!.GetValue<string>());

        var document = Apply("Document", """{ "mediaResource": { "file": "docs/brief.pdf" } }""", folder.Path);
        Assert.Equal("application/pdf", Assert.Single(document.Media).MimeType);
    }

    [Fact]
    public void Media_files_missing_or_of_the_wrong_type_are_errors()
    {
        using var folder = new TempFolder();
        folder.WriteBytes("clip.mp4", [1]);
        var missing = Apply("Image", """{ "mediaResource": { "file": "photos/none.png" } }""", folder.Path);
        Assert.Equal(["actionBody.mediaResource.file"], missing.Fields);
        Assert.Contains("does not exist", missing.Errors[0].Message, StringComparison.Ordinal);
        var wrong = Apply("Audio", """{ "mediaResource": { "file": "clip.mp4" } }""", folder.Path);
        Assert.Equal(["actionBody.mediaResource.file"], wrong.Fields);
        Assert.Contains(".mp3 .wav", wrong.Errors[0].Message, StringComparison.Ordinal);
        Assert.Empty(wrong.Media);
    }

    [Fact]
    public void Poll_images_and_announcement_resources_may_be_files()
    {
        using var folder = new TempFolder();
        folder.WriteBytes("a.png", [1]);
        folder.WriteBytes("b.jpeg", [2]);
        var poll = Apply("Poll", """{ "question": "q", "choices": [ { "title": "A", "image": { "file": "a.png" } }, { "title": "B", "image": "res" } ] }""", folder.Path);
        Assert.Empty(poll.Errors);
        Assert.Equal("/choices/0/image", Assert.Single(poll.Media).JsonPath);
        var announcement = Apply("Announcement", """{ "title": "t", "message": "m", "mediaResources": [ "res", { "file": "b.jpeg" }, { "file": "a.png" } ] }""", folder.Path);
        Assert.Empty(announcement.Errors);
        Assert.Equal(["/mediaResources/1", "/mediaResources/2"], announcement.Media.Select(m => m.JsonPath));
        var pdf = Apply("Announcement", """{ "title": "t", "message": "m", "mediaResources": { "file": "x.pdf" } }""", folder.Path);
        Assert.Equal(["actionBody.mediaResources[0].file"], pdf.Fields);
    }

    [Fact]
    public void The_same_file_is_hashed_once_per_resolver()
    {
        using var folder = new TempFolder();
        var path = folder.WriteBytes("a.png", [1, 2]);
        var resolver = new MediaResolver(folder.Path);
        var first = resolver.Resolve("a.png", MediaKind.Image, fromData: false, out _);
        File.WriteAllBytes(path, [9, 9, 9]); // a re-read would see new bytes
        var second = resolver.Resolve("./a.png", MediaKind.Image, fromData: false, out _);
        Assert.Same(first, second);
    }
}

public sealed class ActionRulesRobustnessTests
{
    public static TheoryData<string, string> Bodies()
    {
        var data = new TheoryData<string, string>();
        string[] bodies =
        [
            "{}",
            """{ "title": [], "message": {}, "question": 5, "questions": { "a": 1 }, "choices": [ null, 5, [] ], "assignedTo": { "x": 1 } }""",
            """{ "mediaResource": { "file": 5 }, "mediaResources": [ null ], "properties": [ null, "x", { "name": [], "type": 5, "value": null } ] }""",
            """{ "startingTime": 5, "place": [], "dueDate": 1e300, "expiryInHours": -5, "durationInMins": true, "questions": [ null, { "type": null, "options": "x" } ] }""",
        ];
        foreach (var type in KaizalaBatch.Actions.ActionRegistry.Types)
        {
            foreach (var body in bodies)
            {
                data.Add(type, body);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Nonsense_bodies_give_errors_never_exceptions(string type, string json)
    {
        var errors = new List<Diagnostic>();
        var checker = new KaizalaBatch.Actions.BodyChecker(errors, new SourceLocation("g.csv", 2, Row: 1), "row 1", "+91",
            new KaizalaBatch.Actions.MediaResolver(Path.GetTempPath()), []);
        var extra = type == "Custom" ? new JsonObject { ["subscribers"] = new JsonObject(), ["other"] = 1 } : null;
        KaizalaBatch.Actions.ActionRegistry.Find(type)!.Apply(JsonNode.Parse(json)!.AsObject(), extra, checker);
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.StartsWith(type == "Custom" && e.Location.Field!.StartsWith("extra", StringComparison.Ordinal) ? "extra" : "actionBody", e.Location.Field!, StringComparison.Ordinal));
    }
}
