using System.Text;

namespace KaizalaBatch.Reliability.Tests;

/// <summary>Seeded mutations of a text file (a run file or a CSV): the edits a hurried user, a bad merge, a
/// spreadsheet export or a cut-short copy make. The same seed gives the same mutations.</summary>
public sealed class Mutator(int seed)
{
    // Values a field may end up holding. No small positive integers: perMinute: 1 would make a run take minutes.
    private static readonly string[] Values =
    [
        "", "~", "null", "-1", "0", "999999999999", "1e309", "true", "[1, 2]", "{ a: b }", "'", "\"", "{{", "}}",
        "{{ row.nope }}", "{{ 1 / 0 }}", "{{ row.groupId | string.upcase }}", "{{ for x in 1..3 }}", "${env:KB_NOT_SET}",
        "\"{{ vars.nope.deeper }}\"", "not-a-guid", "00000000-0000-0000-0000-000000000000", "Survey", "Jobb", "\u00fc\u00df\u2603",
        "\u0000", "\t", new string('x', 5000), "&anchor", "*alias", "!!binary AAAA", "- item", "? key", "|", ">",
        "=HYPERLINK(\"http://x\")", "+91", "http://example.com/v1", "photos/none.jpg", "../../../etc/passwd",
        new string('[', 200) + new string(']', 200), new string('y', 150_000), "\"{{ row.sitename }}\"", "SingleOptoin",
    ];

    /// <summary>Cells that name files a run must not upload: absolute paths, '..' out of the run folder, and the
    /// symbolic links <see cref="PlantEscapes"/> leaves in a run folder (a file link and a folder link leading out).</summary>
    public static readonly string[] PathCells =
    [
        "/etc/passwd", "/tmp/secret-outside.pdf", "../outside/secret", "../../outside/secret", "../../outside/secret.png",
        "photos/../../outside/secret.pdf", "..", "escape-link", "escape-link.png", "escape-dir/secret", "escape-dir/secret.pdf",
        "photos/escape-link.png", "north/../../../outside/secret", "C:\\Windows\\win.ini", "\\\\server\\share\\secret.pdf",
    ];

    /// <summary>Leaves, in <paramref name="runFolder"/> and its <c>photos</c> folder if any, <c>escape-link.png</c>,
    /// <c>escape-link.pdf</c> (links to files in <paramref name="outside"/>) and <c>escape-dir</c> (a link to it).</summary>
    public static void PlantEscapes(string runFolder, string outside)
    {
        Directory.CreateDirectory(outside);
        foreach (var name in new[] { "secret", "secret.png", "secret.pdf", "escape-link.png", "escape-link.pdf" })
        {
            File.WriteAllText(Path.Combine(outside, name), "outside the run folder");
        }
        foreach (var folder in new[] { runFolder, Path.Combine(runFolder, "photos") }.Where(Directory.Exists))
        {
            File.CreateSymbolicLink(Path.Combine(folder, "escape-link.png"), Path.Combine(outside, "secret.png"));
            File.CreateSymbolicLink(Path.Combine(folder, "escape-link.pdf"), Path.Combine(outside, "secret.pdf"));
            Directory.CreateSymbolicLink(Path.Combine(folder, "escape-dir"), outside);
        }
    }

    /// <summary>Nested anchors that expand to a billion values: refused while reading, within the budget.</summary>
    private static readonly string AliasBomb = "vars:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" +
        string.Concat("bcdefghi".Select((c, i) => $"  {c}: &{c} [{string.Join(", ", Enumerable.Repeat("*" + "abcdefghi"[i], 9))}]\n"));

    private static readonly char[] Noise = ['{', '}', '[', ']', ':', ',', ';', '"', '\'', '\t', ' ', '\n', '#', '-', '|', '\0', '\u00e9', '\r'];

    private readonly Random random = new(seed);

    public int Next(int max) => random.Next(max);

    /// <summary>One to three edits of <paramref name="text"/>.</summary>
    public string Mutate(string text)
    {
        var edits = 1 + random.Next(3);
        for (var i = 0; i < edits; i++)
        {
            text = Edit(text);
        }
        return text;
    }

    private string Edit(string text)
    {
        var lines = text.Split('\n').ToList();
        var line = random.Next(lines.Count);
        switch (random.Next(16))
        {
            case 0:
                lines.RemoveAt(line);
                break;
            case 1:
                lines.Insert(line, lines[line]);
                break;
            case 2:
                (lines[line], lines[random.Next(lines.Count)]) = (lines[random.Next(lines.Count)], lines[line]);
                break;
            case 3: // a YAML value or a CSV cell replaced
                var colon = lines[line].IndexOf(':', StringComparison.Ordinal);
                var comma = lines[line].IndexOf(',', StringComparison.Ordinal);
                var at = colon >= 0 ? colon + 1 : comma >= 0 ? comma + 1 : 0;
                var end = lines[line].IndexOf(',', at) is var next and >= 0 && colon < 0 ? next : lines[line].Length;
                lines[line] = lines[line][..at] + (colon >= 0 ? " " : "") + Pick(Values) + lines[line][end..];
                break;
            case 4:
                var position = random.Next(text.Length + 1);
                return text[..position] + Pick(Values) + text[position..];
            case 5:
                return text[..random.Next(text.Length + 1)];
            case 6:
                if (text.Length == 0)
                {
                    return text;
                }
                var chars = text.ToCharArray();
                for (var n = 1 + random.Next(4); n > 0; n--)
                {
                    chars[random.Next(chars.Length)] = Pick(Noise);
                }
                return new string(chars);
            case 7:
                lines[line] = random.Next(2) == 0 ? "  " + lines[line] : lines[line].TrimStart();
                break;
            case 8:
                return random.Next(4) == 0 ? "" : "\uFEFF" + text;
            case 9: // delimiters and quoting, as spreadsheets change them
                lines[line] = lines[line].Replace(random.Next(2) == 0 ? ',' : ':', Pick([';', '\t', '|', ',']));
                break;
            case 10:
                lines[line] += random.Next(2) == 0 ? ",extra" : " \"unclosed";
                break;
            case 14: // a CSV cell that names a file outside the run folder
                var delimiter = new[] { ',', ';', '\t', '|' }.FirstOrDefault(d => lines[line].Contains(d, StringComparison.Ordinal), ',');
                var cells = lines[line].Split(delimiter);
                cells[random.Next(cells.Length)] = Pick(PathCells);
                lines[line] = string.Join(delimiter, cells);
                break;
            case 11: // an alias bomb at the top
                return AliasBomb + text;
            case 12: // deep nesting
                var depth = 60 + random.Next(200);
                lines.Insert(line, "deep: " + new string('[', depth) + new string(']', depth));
                break;
            case 13: // a misspelled key (two letters swapped), or a key the schema does not know, at the line's indentation
                var key = lines[line].TrimStart().TrimStart('-', ' ');
                var colonAt = key.IndexOf(':', StringComparison.Ordinal);
                if (colonAt > 2 && random.Next(2) == 0)
                {
                    var start = lines[line].Length - key.Length;
                    var swapped = key[1] + key[0].ToString() + key[2..];
                    lines[line] = lines[line][..start] + swapped;
                }
                else
                {
                    var indent = lines[line].Length - lines[line].TrimStart().Length;
                    lines.Insert(line + 1, new string(' ', indent) + Pick(["dueDat: 48", "titel: x", "colour: red", "typ: Text", "captions: c"]));
                }
                break;
            default:
                lines.Insert(line, Pick(Values));
                break;
        }
        return string.Join('\n', lines);
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
