using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using KaizalaBatch.Planning;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Bench;

/// <summary>plan's own render path without the CLI: the run file's items rendered, checked, hashed and classified
/// (no ledger), several passes in one process, each pass's CPU, bytes allocated and gen0 collections a row, and a
/// digest of every item (action, key, group, content hash, body JSON, errors) that must not change when the
/// renderer is made faster. Pass 1 includes the JIT; later passes are the steady state.</summary>
public static class RenderProbe
{
    public static int Run(string[] args)
    {
        var runFile = Generator.Arg(args, "--run") ?? throw new ArgumentException("--run RUN.yaml is required");
        var passes = int.Parse(Generator.Arg(args, "--passes") ?? "3", CultureInfo.InvariantCulture);
        var parallelism = int.Parse(Generator.Arg(args, "--parallelism") ?? "1", CultureInfo.InvariantCulture);
        var loaded = RunFileLoader.Load(runFile, Environment.GetEnvironmentVariable);
        if (loaded.RunFile is not { } run)
        {
            foreach (var diagnostic in loaded.Diagnostics)
            {
                Console.Error.WriteLine(diagnostic);
            }
            return 2;
        }
        var options = new RenderOptions(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) { Parallelism = parallelism };
        for (var pass = 1; pass <= passes; pass++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var gen0 = GC.CollectionCount(0);
            var stopwatch = Stopwatch.StartNew();
            var digest = new XxHash128();
            long items = 0, fileDiagnostics = 0;
            var plan = new Plan(null);
            foreach (var planned in plan.Classify(ItemRenderer.Render(run, options, _ => fileDiagnostics++, CancellationToken.None), CancellationToken.None))
            {
                var item = planned.Item;
                var text = $"{item.Action}\n{item.Key}\n{item.GroupId}\n{item.ContentHash}\n{item.Body?.ToJsonString()}\n{item.Extra?.ToJsonString()}\n{string.Join("|", item.Errors)}\n{planned.Category}\n";
                digest.Append(Encoding.UTF8.GetBytes(text));
                items++;
            }
            // What the digest itself allocates and costs is part of every pass alike, so passes compare with passes.
            var seconds = stopwatch.Elapsed.TotalSeconds;
            var cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / Math.Max(1, items);
            var bytes = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)Math.Max(1, items);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pass {pass}: {items} items in {seconds:F2} s, {cpuUs:F2} us CPU a row, {bytes:F0} B a row (digest included), gen0 {GC.CollectionCount(0) - gen0}, file diagnostics {fileDiagnostics}, ambiguities {plan.ReadBackAmbiguityCount}, digest {Convert.ToHexStringLower(digest.GetCurrentHash())}"));
        }
        return 0;
    }
}
