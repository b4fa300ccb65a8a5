using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace KaizalaBatch.Cli.Tests;

/// <summary>One card of a preview page, as its HTML (or the DOM Chromium built from it) shows it.</summary>
public sealed record PreviewCardHtml(string Action, string State, int Items, bool Hidden, string Html)
{
    /// <summary>The items drawn in the card's table (one <c>tbody</c> each).</summary>
    public int DrawnRows => Html.Split("<tbody>").Length - 1;
}

/// <summary>The inputs of the preview tests and what their pages hold.</summary>
public static partial class PreviewPage
{
    public static readonly string[] Photos = ["north.png", "south.png", "east.png", "west.png"];

    /// <summary>Writes a run file of a Survey and an Image action over <paramref name="groups"/> groups (row 5's group id
    /// is not a GUID, so both of its items are invalid; row 8 names a photo over the page's 256 KB limit), the photos
    /// of the media example, and returns the run file's path.</summary>
    public static string WriteInputs(TempFolder folder, int groups, string nameColumn = "groupName")
    {
        var csv = new StringBuilder($"groupId,{nameColumn},site,dueHours,photo\n");
        for (var i = 1; i <= groups; i++)
        {
            var photo = i == 8 ? "big.png" : Photos[i % Photos.Length];
            csv.Append(CultureInfo.InvariantCulture, $"{(i == 5 ? "not-a-guid" : Group(i))},Store {i:D2},Site {i:D2},{(i % 2 == 0 ? 24 : 48)},{photo}\n");
        }
        folder.Write("groups.csv", csv.ToString());
        folder.WriteBytes("photos/big.png", new byte[300 * 1024]);
        foreach (var photo in Photos)
        {
            File.Copy(Path.Combine(CliProcess.RepositoryRoot, "examples", "media-broadcast", "photos", photo), Path.Combine(folder.Path, "photos", photo));
        }
        return folder.Write("run.yaml", """
            version: 1
            name: preview
            connection:
              emulator: true
            actions:
              - name: site-survey
                type: Survey
                targets:
                  file: groups.csv
                body:
                  title: "Safety check: {{ row.site }}"
                  dueDate: "{{ row.dueHours }}"
                  questions:
                    - { title: "Is the exit at {{ row.site }} clear?", type: SingleOption, options: [ { title: "Yes" }, { title: "No" } ] }
                    - { title: "How many staff were trained?", type: Numeric }
              - name: floor-photo
                type: Image
                targets:
                  file: groups.csv
                body:
                  mediaResource: { file: "photos/{{ row.photo }}" }
                  caption: "Floor plan for {{ row.site }}"
            """);
    }

    /// <summary>The group id of CSV row <paramref name="row"/>: fixed, so a test can name it.</summary>
    public static string Group(int row) => new Guid(row, 0x5eed, 0x4000, [0x80, 0, 0, 0, 0, 0, 0, 1]).ToString("D");

    public static IReadOnlyList<PreviewCardHtml> Cards(string html) =>
        CardPattern().Matches(html).Select(m => new PreviewCardHtml(WebUtility.HtmlDecode(m.Groups["action"].Value), m.Groups["state"].Value,
            int.Parse(m.Groups["items"].Value, CultureInfo.InvariantCulture), m.Groups["hidden"].Success, m.Groups["body"].Value)).ToList();

    /// <summary>The varying columns of a card's table, by JSON Pointer.</summary>
    public static IReadOnlyList<string> Pointers(PreviewCardHtml card) =>
        PointerPattern().Matches(card.Html).Select(m => m.Groups[1].Value.Replace("<wbr>", "", StringComparison.Ordinal)).ToList();

    /// <summary>Opens the page in a 375 px wide frame in headless Chromium (its own window cannot be narrower than 500)
    /// and returns how wide the page's content is (the page scrolls sideways when it exceeds 375) and by how much the
    /// widest table (the summary, a card's items) overflows its box, which would scroll it.</summary>
    public static async Task<(int PageWidth, int TableOverflow)> WidthsAtPhoneSize(string html, TempFolder folder)
    {
        var page = await File.ReadAllTextAsync(html, TestContext.Current.CancellationToken);
        var frame = folder.Write("phone.html", $$"""
            <!DOCTYPE html><html><body style="margin:0">
            <iframe id="phone" style="width:375px;height:800px;border:0" srcdoc="{{WebUtility.HtmlEncode(page)}}"></iframe>
            <script>
            window.addEventListener('load', function () {
              var doc = document.getElementById('phone').contentDocument, overflow = 0;
              doc.querySelectorAll('.scroll').forEach(function (box) { overflow = Math.max(overflow, box.scrollWidth - box.clientWidth); });
              document.body.setAttribute('data-width', doc.documentElement.scrollWidth + ' ' + overflow);
            });
            </script></body></html>
            """);
        var dom = await PreviewScreenshotTests.Chromium(folder.Path, "--dump-dom", "--window-size=800,900", new Uri(frame).AbsoluteUri);
        var widths = WidthPattern().Match(dom);
        Assert.True(widths.Success, "the frame's script wrote no width");
        return (int.Parse(widths.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(widths.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex("<article class=\"card [^\"]*\" data-action=\"(?<action>[^\"]*)\" data-state=\"(?<state>[^\"]*)\" data-items=\"(?<items>\\d+)\"(?<hidden> hidden=\"\")?>(?<body>.*?)</article>", RegexOptions.Singleline)]
    private static partial Regex CardPattern();

    [GeneratedRegex("<th class=\"pointer\">(.*?)</th>")]
    private static partial Regex PointerPattern();

    [GeneratedRegex("data-width=\"(\\d+) (\\d+)\"")]
    private static partial Regex WidthPattern();
}
