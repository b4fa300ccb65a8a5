using KaizalaBatch.Bench;

// bench tool: `generate` writes run files and CSVs of any size; `bare` is the baseline the plan is compared with.
return args switch
{
    ["generate", .. var rest] => Generator.Run(rest),
    ["bare", .. var rest] => BarePipeline.Run(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          KaizalaBatch.Bench generate --rows N --out DIR [--seed S]   a Survey run file and a groups.csv of N rows
          KaizalaBatch.Bench bare --dir DIR [--passes N]             read, render, serialize and hash every row (no validation, no ledger)
        """);
    return 2;
}
