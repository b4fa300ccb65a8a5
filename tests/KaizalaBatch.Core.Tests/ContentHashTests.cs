using System.Text.Json.Nodes;
using KaizalaBatch.Actions;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Core.Tests;

public sealed class ContentHashTests
{
    private static string Hash(string body, string group = TempFolder.GroupA, string type = "Survey", string? package = null, IReadOnlyList<MediaFile>? media = null, string? extra = null) =>
        new ContentHasher().Compute(group, type, package, JsonNode.Parse(body)!.AsObject(), extra is null ? null : JsonNode.Parse(extra)!.AsObject(), media ?? []);

    [Fact]
    public void Is_lower_hex_sha256_and_pinned()
    {
        var hash = Hash("""{ "title": "t", "dueDate": 24 }""");
        Assert.Matches("^[0-9a-f]{64}$", hash);
        // Pinned: a change here changes every ledger's hashes, so every sent item would look changed.
        Assert.Equal(Hash("""{"dueDate":24,"title":"t"}"""), hash);
        // The formula, reproducible outside .NET: SHA-256 of group \0 type \0 package \0 canonical-body \0 canonical-extra.
        Assert.Equal("76126c8887d9d8f652dd4029137ce45b22398276801384a31c565c70e3c76be7", hash);
    }

    [Fact]
    public void Ignores_key_order_and_number_spelling()
    {
        Assert.Equal(Hash("""{ "a": 1, "b": { "y": 2, "x": [1, 2.0] } }"""), Hash("""{ "b": { "x": [1, 2], "y": 2.0 }, "a": 1.0 }"""));
    }

    [Fact]
    public void Is_sensitive_to_body_group_type_package_and_extra()
    {
        var baseline = Hash("""{ "title": "t" }""");
        Assert.NotEqual(baseline, Hash("""{ "title": "u" }"""));
        Assert.NotEqual(baseline, Hash("""{ "title": "t" }""", group: TempFolder.GroupB));
        Assert.NotEqual(baseline, Hash("""{ "title": "t" }""", type: "Poll"));
        Assert.NotEqual(baseline, Hash("""{ "title": "t" }""", type: "Custom", package: "com.x"));
        Assert.NotEqual(Hash("""{ "title": "t" }""", type: "Custom", package: "com.x"), Hash("""{ "title": "t" }""", type: "Custom", package: "com.y"));
        Assert.NotEqual(baseline, Hash("""{ "title": "t" }""", extra: """{ "sendToAllSubscribers": true }"""));
        Assert.NotEqual(Hash("""{ "a": [1, 2] }"""), Hash("""{ "a": [2, 1] }"""));
        Assert.NotEqual(Hash("""{ "a": "1" }"""), Hash("""{ "a": 1 }"""));
    }

    [Fact]
    public void Counts_media_by_content_not_path()
    {
        const string body = """{ "mediaResource": { "file": "photos/a.jpg" } }""";
        const string moved = """{ "mediaResource": { "file": "elsewhere/b.jpg" } }""";
        MediaFile[] Media(string hash) => [new MediaFile("/mediaResource", "/x", hash, "image/jpeg")];
        Assert.Equal(Hash(body, type: "Image", media: Media("aa")), Hash(moved, type: "Image", media: Media("aa")));
        Assert.NotEqual(Hash(body, type: "Image", media: Media("aa")), Hash(body, type: "Image", media: Media("bb")));
    }

    [Fact]
    public void Is_stable_across_runs_and_independent_of_other_rows()
    {
        using var folder = new TempFolder();
        folder.WriteBytes("a.png", [1, 2, 3]);
        const string run = """
            version: 1
            name: h
            actions:
              - name: a
                type: Announcement
                targets: { file: groups.csv }
                body: { title: "{{ row.site }}", message: m, mediaResources: [ { file: a.png } ] }
            """;
        folder.Write("groups.csv", $"groupId,site\n{TempFolder.GroupA},Pune\n{TempFolder.GroupB},Goa\n");
        var first = folder.Render(run).Items.ToDictionary(i => i.Key, i => i.ContentHash);
        folder.Write("groups.csv", $"groupId,site\n{TempFolder.GroupC},Delhi\n{TempFolder.GroupB},Goa\n{TempFolder.GroupA},Pune\n");
        var second = folder.Render(run).Items.ToDictionary(i => i.Key, i => i.ContentHash);
        Assert.Equal(first[TempFolder.GroupA], second[TempFolder.GroupA]);
        Assert.Equal(first[TempFolder.GroupB], second[TempFolder.GroupB]);
        folder.WriteBytes("a.png", [1, 2, 4]);
        var third = folder.Render(run).Items.ToDictionary(i => i.Key, i => i.ContentHash);
        Assert.NotEqual(first[TempFolder.GroupA], third[TempFolder.GroupA]);
    }

    [Fact]
    public void Run_started_at_changes_the_hash_only_when_a_template_uses_it()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", $"groupId,site\n{TempFolder.GroupA},Pune\n");
        const string plain = """
            version: 1
            name: h
            actions:
              - name: a
                type: Poll
                targets: { file: groups.csv }
                body: { question: "{{ row.site }}", choices: [x] }
            """;
        string Hash(string run, int day) => Assert.Single(folder.Render(run, new RenderOptions(new DateTimeOffset(2026, 1, day, 0, 0, 0, TimeSpan.Zero))).Items).ContentHash;
        Assert.Equal(Hash(plain, 1), Hash(plain, 2));
        var stamped = plain.Replace("{{ row.site }}", "{{ row.site }} {{ run.startedAt }}");
        Assert.NotEqual(Hash(stamped, 1), Hash(stamped, 2));
        Assert.Equal(Hash(stamped, 3), Hash(stamped, 3));
    }
}
