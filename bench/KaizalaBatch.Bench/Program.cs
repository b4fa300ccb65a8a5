using KaizalaBatch.Bench;

// bench tool: `generate` writes run files and CSVs of any size; `bare` is the baseline the plan is compared with.
return args switch
{
    ["generate", .. var rest] => Generator.Run(rest),
    ["bare", .. var rest] => BarePipeline.Run(rest),
    ["render", .. var rest] => RenderProbe.Run(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          KaizalaBatch.Bench generate --rows N --out DIR [--seed S]   a Survey run file and a groups.csv of N rows
          KaizalaBatch.Bench bare --dir DIR [--passes N]             read, render, serialize and hash every row (no validation, no ledger)
          KaizalaBatch.Bench render --run RUN.yaml [--passes N] [--parallelism P]
                                                                     plan's renderer and classification: CPU, bytes and gen0 a row, and a digest of the items
        """);
    return 2;
}
