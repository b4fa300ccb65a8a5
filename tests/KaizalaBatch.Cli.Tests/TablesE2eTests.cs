namespace KaizalaBatch.Cli.Tests;

/// <summary>The run, status and plan tables as a person reads them outside a terminal: 80 columns, a total row, every
/// action of the run file in its order, and the items no run has taken yet counted as such.</summary>
public sealed class TablesE2eTests
{
    private static void AssertFits80(CliResult result)
    {
        foreach (var line in result.StdOut.Split('\n'))
        {
            Assert.True(line.TrimEnd('\r').Length <= 80, $"{line.Length} columns: '{line}'");
        }
    }

    /// <summary>The row of the table that starts with <paramref name="action"/>, as its numbers.</summary>
    private static int[] Row(string output, string action)
    {
        var line = output.Split('\n').Single(l => l.TrimStart().StartsWith(action + " ", StringComparison.Ordinal));
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(t => int.TryParse(t, out _)).Select(int.Parse).ToArray();
    }

    [Fact]
    public async Task After_a_limited_run_the_tables_fit_80_columns_keep_the_file_order_and_count_what_is_left()
    {
        using var folder = new TempFolder();
        foreach (var file in Directory.GetFiles(Path.Combine(CliProcess.RepositoryRoot, "examples", "survey-rollout"), "*.*"))
        {
            if (file.EndsWith(".yaml", StringComparison.Ordinal) || file.EndsWith(".csv", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
            }
        }
        var runFile = Path.Combine(folder.Path, "run.yaml");

        var run = await CliProcess.RunAsync(["run", runFile, "--limit", "5"]);
        Assert.True(run.ExitCode == 0, run.AllOutput);
        AssertFits80(run);
        Assert.True(run.StdOut.IndexOf("safety-survey", StringComparison.Ordinal) < run.StdOut.IndexOf("manager-follow-up", StringComparison.Ordinal));
        Assert.Equal([5, 0, 0, 0, 0, 0, 0, 19], Row(run.StdOut, "safety-survey"));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 8], Row(run.StdOut, "manager-follow-up"));
        Assert.Equal([5, 0, 0, 0, 0, 0, 0, 27], Row(run.StdOut, "total"));
        Assert.Contains("left: not started", run.StdOut, StringComparison.Ordinal);

        var status = await CliProcess.RunAsync(["status", runFile]);
        Assert.True(status.ExitCode == 0, status.AllOutput);
        AssertFits80(status);
        // The action no run has touched is there, with its items counted as not started (not "new 0").
        Assert.Equal([0, 0, 0, 0, 8, 8], Row(status.StdOut, "manager-follow-up"));
        Assert.Equal([5, 0, 0, 0, 19, 24], Row(status.StdOut, "safety-survey"));
        Assert.Equal([5, 0, 0, 0, 27, 32], Row(status.StdOut, "total"));
        Assert.True(status.StdOut.IndexOf("safety-survey", StringComparison.Ordinal) < status.StdOut.IndexOf("manager-follow-up", StringComparison.Ordinal));

        var plan = await CliProcess.RunAsync(["plan", runFile]);
        Assert.True(plan.ExitCode == 0, plan.AllOutput);
        AssertFits80(plan);
        Assert.Equal([27, 5, 0, 0, 0, 0], Row(plan.StdOut, "total"));
    }
}
