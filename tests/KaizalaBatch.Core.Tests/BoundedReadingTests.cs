using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Core.Tests;

/// <summary>Reading a run file is bounded: aliases are counted as they would expand, the file's size is limited, and a
/// tab is reported where it is.</summary>
public sealed class BoundedReadingTests
{
    private const string Action = """
        actions:
          - name: a
            type: Job
            targets: { file: groups.csv }
            body: { title: t, assignedTo: "+911111111111" }
        """;

    [Fact]
    public void An_alias_bomb_is_refused_while_reading()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var bomb = "version: 1\nname: x\nvars:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" +
            string.Concat("bcdefghi".Select((c, i) => $"  {c}: &{c} [{string.Join(", ", Enumerable.Repeat("*" + "abcdefghi"[i], 10))}]\n")) + Action;
        var result = folder.Load(bomb);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.InputTooLarge, error.Code);
        Assert.Equal(8, error.Location.Line); // the alias that passed the budget: *d in e's list
        Assert.Null(result.RunFile);
    }

    [Fact]
    public void Aliases_within_the_budget_are_read()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId\n" + TempFolder.GroupA + "\n");
        var run = folder.LoadOk("version: 1\nname: x\nvars:\n  base: &base { org: Contoso }\n  copy: *base\n" + Action);
        Assert.NotNull(run.Vars);
    }

    [Fact]
    public void A_run_file_over_the_limit_is_refused_before_it_is_parsed()
    {
        using var folder = new TempFolder();
        var result = folder.Load("version: 1\nname: x\n#" + new string('x', (int)RunFileLoader.MaxRunFileBytes) + "\n" + Action);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.InputTooLarge, error.Code);
        Assert.Contains("1 MiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tab_in_the_indentation_is_reported_on_its_own_line()
    {
        using var folder = new TempFolder();
        var result = folder.Load("version: 1\nname: x\nactions:\n  - name: a\n    type: Job\n\ttargets: { file: groups.csv }\n");
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((6, 1), (error.Location.Line, error.Location.Column));
    }
}
