using System.Globalization;
using System.Text;

namespace KaizalaBatch.Bench;

/// <summary>Writes a realistic Survey rollout of any size: several templated fields and a phone list per row.</summary>
public static class Generator
{
    public const string RunYaml = """
        version: 1
        name: bench-survey
        connection:
          emulator: true
        limits:
          perMinute: 100
          concurrency: 4
        vars:
          quarter: Q3
          owner: Facilities team
        phoneDefaults:
          countryCode: "+91"
        actions:
          - name: safety-survey
            type: Survey
            targets:
              file: groups.csv
            body:
              title: "{{ vars.quarter }} safety check: {{ row.site }}"
              dueDate: "{{ row.dueHours }}"
              questions:
                - title: "Is the fire exit at {{ row.site }} clear?"
                  type: SingleOption
                  options: [ { title: "Yes" }, { title: "No" } ]
                - title: "How many staff in {{ row.region }} were trained this quarter?"
                  type: Numeric
                - title: "Confirm the contacts: {{ phones row.contacts | array.join ', ' }}"
                  type: MultiOption
                  options: [ { title: "All correct" }, { title: "Some changed" } ]
                - title: "Anything else {{ vars.owner }} should know?"
                  type: Text
        """;

    private static readonly string[] Cities = ["Pune", "Chennai", "Delhi", "Mumbai", "Kolkata", "Jaipur", "Lucknow", "Surat", "Indore", "Nagpur"];
    private static readonly string[] Regions = ["APAC", "EMEA", "AMER"];

    public static int Run(string[] args)
    {
        var rows = long.Parse(Arg(args, "--rows") ?? "100000", CultureInfo.InvariantCulture);
        var output = Arg(args, "--out") ?? throw new ArgumentException("--out DIR is required");
        var seed = int.Parse(Arg(args, "--seed") ?? "1", CultureInfo.InvariantCulture);
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "run.yaml"), RunYaml + "\n");
        var random = new Random(seed);
        using var writer = new StreamWriter(Path.Combine(output, "groups.csv"), false, new UTF8Encoding(false), 1 << 16);
        writer.Write("groupId,site,region,contacts,dueHours\n");
        Span<byte> guid = stackalloc byte[16];
        var line = new StringBuilder(160);
        for (long i = 0; i < rows; i++)
        {
            random.NextBytes(guid);
            guid[7] = (byte)((guid[7] & 0x0F) | 0x40); // version 4
            guid[8] = (byte)((guid[8] & 0x3F) | 0x80); // variant
            line.Clear()
                .Append(new Guid(guid).ToString("D")).Append(',')
                .Append(Cities[i % Cities.Length]).Append(" Store ").Append(i + 1).Append(',')
                .Append(Regions[random.Next(Regions.Length)]).Append(",\"")
                .Append("98").Append(random.Next(10_000_000, 99_999_999)).Append("; +9197")
                .Append(random.Next(10_000_000, 99_999_999)).Append("\",")
                .Append(24 * (1 + random.Next(3))).Append('\n');
            writer.Write(line);
        }
        Console.WriteLine($"wrote {rows} rows to {Path.Combine(output, "groups.csv")}");
        return 0;
    }

    internal static string? Arg(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
