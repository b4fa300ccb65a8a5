using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using Scriban;
using Scriban.Runtime;

namespace KaizalaBatch.Bench;

/// <summary>The baseline for plan throughput: only what any such tool must do per row — read the CSV with
/// CsvHelper, render the same templates with Scriban, serialize the body with System.Text.Json, hash it.
/// No validation, no ledger, no diagnostics, single-threaded.</summary>
public static class BarePipeline
{
    public static int Run(string[] args)
    {
        var dir = Generator.Arg(args, "--dir") ?? throw new ArgumentException("--dir DIR is required");
        // Pass 1 is what a fresh process does (JIT and tiering included), like `plan`; later passes are the steady state.
        var passes = int.Parse(Generator.Arg(args, "--passes") ?? "1", CultureInfo.InvariantCulture);
        for (var pass = 1; pass <= passes; pass++)
        {
            Pass(dir, pass);
        }
        return 0;
    }

    private static void Pass(string dir, int pass)
    {
        var stopwatch = Stopwatch.StartNew();

        var title = Template.Parse("{{ vars.quarter }} safety check: {{ row.site }}");
        var due = Template.Parse("{{ row.dueHours }}");
        var q1 = Template.Parse("Is the fire exit at {{ row.site }} clear?");
        var q2 = Template.Parse("How many staff in {{ row.region }} were trained this quarter?");
        var q3 = Template.Parse("Confirm the contacts: {{ phones row.contacts | array.join ', ' }}");
        var q4 = Template.Parse("Anything else {{ vars.owner }} should know?");

        var globals = new ScriptObject();
        globals["vars"] = new ScriptObject { ["quarter"] = "Q3", ["owner"] = "Facilities team" };
        globals.Import("phones", new Func<string, ScriptArray>(Phones));
        var row = new ScriptObject();
        globals["row"] = row;
        var context = new TemplateContext();
        context.PushGlobal(globals);

        using var reader = CsvReader.FromFile(Path.Combine(dir, "groups.csv"));
        var headers = reader.Headers.ToArray();
        long rows = 0;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using var json = new Utf8JsonWriter(buffer);
        Span<byte> hash = stackalloc byte[32];
        long checksum = 0;
        while (reader.Read())
        {
            for (var i = 0; i < headers.Length; i++)
            {
                row[headers[i]] = reader.GetString(i);
            }
            var body = new JsonObject
            {
                ["title"] = title.Render(context),
                ["dueDate"] = int.Parse(due.Render(context), CultureInfo.InvariantCulture),
                ["questions"] = new JsonArray(
                    new JsonObject { ["title"] = q1.Render(context), ["type"] = "SingleOption", ["options"] = new JsonArray(new JsonObject { ["title"] = "Yes" }, new JsonObject { ["title"] = "No" }) },
                    new JsonObject { ["title"] = q2.Render(context), ["type"] = "Numeric" },
                    new JsonObject { ["title"] = q3.Render(context), ["type"] = "MultiOption", ["options"] = new JsonArray(new JsonObject { ["title"] = "All correct" }, new JsonObject { ["title"] = "Some changed" }) },
                    new JsonObject { ["title"] = q4.Render(context), ["type"] = "Text" }),
            };
            buffer.ResetWrittenCount();
            json.Reset(buffer);
            body.WriteTo(json);
            json.Flush();
            SHA256.HashData(buffer.WrittenSpan, hash);
            checksum += hash[0];
            rows++;
        }
        stopwatch.Stop();
        var rate = rows / stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bare pipeline pass {pass}: {rows} rows in {stopwatch.Elapsed.TotalSeconds:F2} s = {rate:F0} rows/s on {Environment.ProcessorCount} cores; peak RSS {PeakRssMegabytes():F0} MB (checksum {checksum})"));
    }

    private static ScriptArray Phones(string cell)
    {
        var result = new ScriptArray();
        foreach (var part in cell.Split([';', ',', '|', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            var digits = new StringBuilder(part.Length + 3);
            foreach (var c in part)
            {
                if (char.IsAsciiDigit(c))
                {
                    digits.Append(c);
                }
            }
            result.Add(part.StartsWith('+') ? "+" + digits : "+91" + digits);
        }
        return result;
    }

    /// <summary>Peak resident set size (VmHWM) of this process, in MB.</summary>
    internal static double PeakRssMegabytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return double.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
            }
        }
        return double.NaN;
    }
}
