using KaizalaBatch.Diagnostics;
using KaizalaBatch.Templating;
using Scriban;

namespace KaizalaBatch.Core.Tests;

/// <summary>A media path a template made stays inside the media folder; the renderer reports a path that leaves it as
/// an input error at the CSV row and the column the template read, and drops the item.</summary>
public sealed class MediaPathRenderTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly TempFolder outside = new();

    public MediaPathRenderTests()
    {
        folder.WriteBytes("docs/a.pdf", [1]);
        folder.WriteBytes("photos/a.png", [2]);
        outside.WriteBytes("secret.pdf", [3]);
        outside.WriteBytes("secret.png", [4]);
    }

    public void Dispose()
    {
        folder.Dispose();
        outside.Dispose();
    }

    private static string Run(string type, string body, string top = "") => $"""
        version: 1
        name: media
        {top}
        actions:
          - name: item
            type: {type}
            targets: {"{"} file: groups.csv {"}"}
            body:
        {body}
        """;

    private (List<Planning.RenderedItem> Items, List<Diagnostic> Diagnostics) Render(string run, string header, params string[] cells)
    {
        var groups = new[] { TempFolder.GroupA, TempFolder.GroupB, TempFolder.GroupC };
        folder.Write("groups.csv", $"groupId,{header}\n" + string.Join("\n", cells.Select((cell, i) => $"{groups[i]},{cell}")) + "\n");
        return folder.Render(run);
    }

    [Fact]
    public void A_cell_that_leaves_the_folder_is_an_input_error_at_its_row_and_column_and_the_item_is_dropped()
    {
        var (items, diagnostics) = Render(Run("Document", "      mediaResource: { file: \"{{ row.doc }}\" }"), "doc",
            "docs/a.pdf", "../" + Path.GetFileName(outside.Path) + "/secret.pdf", Path.Combine(outside.Path, "secret.pdf"));

        Assert.Equal([1L], items.Select(i => i.Rows[0]));
        Assert.True(items[0].IsValid, string.Join("\n", items[0].Errors));
        Assert.Equal(Path.Combine(folder.Path, "docs", "a.pdf"), Assert.Single(items[0].Media).FullPath);
        Assert.Equal(2, diagnostics.Count);
        Assert.All(diagnostics, d => Assert.Equal((DiagnosticCodes.MediaOutsideFolder, "groups.csv", "doc"), (d.Code, d.Location.File, d.Location.Field)));
        Assert.Equal([2L, 3L], diagnostics.Select(d => d.Location.Row!.Value));
        Assert.Contains("'..'", diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Contains("absolute path", diagnostics[1].Message, StringComparison.Ordinal);
        Assert.Contains("the run file's folder", diagnostics[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_the_author_wrote_as_is_keeps_pointing_anywhere()
    {
        var secret = Path.Combine(outside.Path, "secret.pdf");
        var (items, diagnostics) = Render(Run("Document", $"      mediaResource: {{ file: \"{secret}\" }}"), "site", "Pune");
        Assert.Empty(diagnostics);
        Assert.Equal(secret, Assert.Single(Assert.Single(items).Media).FullPath);
    }

    [Fact]
    public void The_column_is_named_in_text_templates_poll_images_and_announcement_lists()
    {
        var escape = "../" + Path.GetFileName(outside.Path) + "/secret";
        var (_, text) = Render(Run("Document", "      mediaResource: { file: \"docs/{{ row.site }}.pdf\" }"), "site", "../" + escape);
        Assert.Equal("site", Assert.Single(text).Location.Field);

        var poll = Run("Poll", """
                  question: "Which?"
                  choices:
                    - { title: "A", image: { file: "photos/a.png" } }
                    - { title: "B", image: { file: "{{ row['Photo File'] }}" } }
            """);
        var (_, image) = Render(poll, "Photo File", escape + ".png");
        Assert.Equal("Photo File", Assert.Single(image).Location.Field);

        var announcement = Run("Announcement", """
                  title: "t"
                  message: "m"
                  mediaResources: [ { file: "photos/a.png" }, { file: "{{ rows[0].pic }}" } ]
            """).Replace("targets: { file: groups.csv }", "targets: { file: groups.csv, groupBy: groupId }", StringComparison.Ordinal); // rows needs groupBy
        var (_, resource) = Render(announcement, "pic", escape + ".png");
        Assert.Equal("pic", Assert.Single(resource).Location.Field);

        // The whole object made by one expression.
        var (_, whole) = Render(Run("Document", "      mediaResource: \"{{ { file: row.doc } }}\""), "doc", escape + ".pdf");
        Assert.Equal("doc", Assert.Single(whole).Location.Field);
    }

    [Fact]
    public void A_template_that_reads_several_columns_is_named_by_its_field_path()
    {
        var (_, diagnostics) = Render(Run("Document", "      mediaResource: { file: \"{{ row.dir }}/{{ row.name }}.pdf\" }"), "dir,name",
            "..,x");
        var error = Assert.Single(diagnostics);
        Assert.Equal(("actionBody.mediaResource.file", 1L), (error.Location.Field, error.Location.Row));
    }

    [Fact]
    public void A_body_template_file_counts_as_data_and_is_named_by_its_field_path()
    {
        folder.Write("doc.sbn", """{ "mediaResource": { "file": "{{ row.doc }}" } }""");
        var run = Run("Document", "").Replace("    body:\n", "    bodyTemplate: doc.sbn\n", StringComparison.Ordinal);
        var (items, diagnostics) = Render(run, "doc", "docs/a.pdf", Path.Combine(outside.Path, "secret.pdf"));
        Assert.Single(items);
        Assert.Equal(("actionBody.mediaResource.file", 2L), (Assert.Single(diagnostics).Location.Field, diagnostics[0].Location.Row));
    }

    [Fact]
    public void With_a_media_root_every_media_path_is_found_there_and_a_made_one_must_stay_there()
    {
        outside.WriteBytes("media/b.pdf", [5]);
        var mediaRoot = Path.GetRelativePath(folder.Path, Path.Combine(outside.Path, "media"));
        var run = Run("Document", "      mediaResource: { file: \"{{ row.doc }}\" }", $"mediaRoot: {mediaRoot}");
        var (items, diagnostics) = Render(run, "doc", "b.pdf", "../secret.pdf");
        Assert.Equal(Path.Combine(outside.Path, "media", "b.pdf"), Assert.Single(Assert.Single(items).Media).FullPath);
        var error = Assert.Single(diagnostics);
        Assert.Contains($"mediaRoot '{mediaRoot}'", error.Message, StringComparison.Ordinal);

        var literal = Run("Document", "      mediaResource: { file: \"b.pdf\" }", $"mediaRoot: {mediaRoot}");
        Assert.Equal(Path.Combine(outside.Path, "media", "b.pdf"), Assert.Single(Assert.Single(Render(literal, "site", "x").Items).Media).FullPath);
    }

    [Fact]
    public void A_media_root_that_does_not_exist_is_a_run_file_error_at_its_line()
    {
        folder.Write("groups.csv", $"groupId\n{TempFolder.GroupA}\n");
        var result = folder.Load(Run("Document", "      mediaResource: { file: \"a.pdf\" }", "mediaRoot: nowhere"));
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticCodes.FileMissing, 3), (error.Code, error.Location.Line));
        Assert.Contains("nowhere", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ row.doc }}", "doc")]
    [InlineData("{{ row[\"Store Name\"] | string.downcase }}.pdf", "Store Name")]
    [InlineData("{{ rows[1].site }}", "site")]
    [InlineData("{{ row.a }}{{ row.b }}{{ row.a }}", "a,b")]
    [InlineData("{{ vars.doc }}", "")]
    [InlineData("{{ for r in rows }}{{ r.doc }}{{ end }}", "")]
    public void Template_columns_are_read_from_the_syntax_tree(string text, string expected)
    {
        var columns = TemplateColumns.Read(Template.Parse(text).Page);
        Assert.Equal(expected, string.Join(",", columns));
    }
}
