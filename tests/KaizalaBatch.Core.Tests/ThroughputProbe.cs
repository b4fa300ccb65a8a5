using System.Diagnostics;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Core.Tests;

/// <summary>Not a test of speed (tests never assert wall-clock time): an opt-in probe that prints the plan's
/// rows per second for a realistic Survey, until a bench/ project takes it over. Run it with
/// <c>bin/Release/net10.0/KaizalaBatch.Core.Tests -method "*Throughput*" -explicit only -showLiveOutput</c>.</summary>
public sealed class ThroughputProbe
{
    [Fact(Explicit = true)]
    public void Plan_throughput_for_a_realistic_survey()
    {
        const int rows = 300_000;
        using var folder = new TempFolder();
        var csv = new System.Text.StringBuilder("groupId,site,region,dueHours,manager\n");
        for (var i = 0; i < rows; i++)
        {
            csv.Append(Guid.NewGuid()).Append(",Site ").Append(i).Append(",APAC,").Append(24 + i % 10).Append(",+9198450").Append(10000 + i % 80000).Append('\n');
        }
        folder.Write("groups.csv", csv.ToString());
        var run = folder.LoadOk("""
            version: 1
            name: throughput
            vars: { quarter: Q3 }
            actions:
              - name: safety
                type: Survey
                targets: { file: groups.csv }
                body:
                  title: "{{ vars.quarter }} safety check: {{ row.site }}"
                  dueDate: "{{ row.dueHours }}"
                  isAnonymous: false
                  questions:
                    - { title: "Is the fire exit clear at {{ row.site }}?", type: SingleOption, options: [ {title: "Yes"}, {title: "No"} ] }
                    - { title: "Extinguishers checked?", type: MultiOption, options: [ {title: "Floor 1"}, {title: "Floor 2"}, {title: "Floor 3"} ] }
                    - { title: "Comments", type: Text }
                    - { title: "Photo", type: Image }
            """);
        foreach (var parallelism in new[] { 1, Environment.ProcessorCount, 1, Environment.ProcessorCount })
        {
            var pausedBefore = GC.GetTotalPauseDuration();
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var stopwatch = Stopwatch.StartNew();
            var plan = new Plan(null);
            var options = new RenderOptions(DateTimeOffset.UnixEpoch) { Parallelism = parallelism };
            var count = plan.Classify(ItemRenderer.Render(run, options, _ => { }, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken).Count();
            stopwatch.Stop();
            Assert.Equal(rows, plan.Totals.New);
            TestContext.Current.TestOutputHelper!.WriteLine($"parallelism {parallelism}: {count} items in {stopwatch.Elapsed.TotalSeconds:F2}s = {count / stopwatch.Elapsed.TotalSeconds:F0} rows/s, " +
                $"GC pauses {(GC.GetTotalPauseDuration() - pausedBefore).TotalSeconds:F2}s, {(GC.GetTotalAllocatedBytes() - allocatedBefore) / count} bytes/row");
        }
    }
}
