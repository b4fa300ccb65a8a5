using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace KaizalaBatch.Cli;

/// <summary>What <c>--help</c> says besides each option's description: one or two examples and the exit codes of each
/// command, and placeholders that name what an option takes (<c>FILE</c>, <c>ACTION</c>, <c>N</c>) instead of its own name.
/// Kept in one place so that every command reads alike.</summary>
public static class Help
{
    /// <summary>The name users type: <c>kaizala-batch</c> as the installed tool; from source it is
    /// <c>dotnet run --project src/KaizalaBatch.Cli --</c> (the README says so).</summary>
    public const string Tool = "kaizala-batch";

    private const string RunExit = "0 every item done · 1 some items failed, are invalid, in doubt or not started · 2 the input is unusable, nothing sent · 3 stopped early (Ctrl-C, maxErrors, the ledger is locked or cannot be written)";
    private const string CheckExit = "0 every item valid · 1 some items invalid · 2 the input is unusable";
    private const string ReadExit = "0 done · 2 the input or the ledger is unusable";
    private const string ServiceExit = "0 done · 1 the service did not answer some calls · 2 the input is unusable (run file, credentials) · 3 stopped (Ctrl-C, the ledger is locked)";

    private static readonly Dictionary<string, (string[] Examples, string ExitCodes)> Commands = new(StringComparer.Ordinal)
    {
        ["validate"] = (["validate run.yaml"], CheckExit),
        ["plan"] = (["plan run.yaml", "plan run.yaml --html preview.html --json plan.json", "plan run.yaml --check-groups"],
            CheckExit + " · with --check-groups, 2 also when a target is out of reach"),
        ["run"] = (["run run.yaml", "run run.yaml --only safety-survey --limit 50", "run run.yaml --resend-changed"], RunExit),
        ["status"] = (["status run.yaml"], ReadExit),
        ["export"] = (["export run.yaml --format csv --out results.csv", "export run.yaml --format jsonl | jq .state"], ReadExit),
        ["resolve"] = (["resolve run.yaml --as sent --key 5d3bbce0-...", "resolve run.yaml --as not-sent --only notice"], ReadExit + " · 3 the ledger is locked by a run"),
        ["report"] = (["report run.yaml", "report run.yaml --html report.html --csv report.csv"], ServiceExit),
        ["remind"] = (["remind run.yaml", "remind run.yaml --only safety-survey --min-responses 1 --every 2d"], ServiceExit),
        ["groups"] = (["groups run.yaml --out groups.csv", "groups run.yaml --under 5d3bbce0-... --members"], ServiceExit),
        ["emulator"] = (["emulator --urls http://127.0.0.1:5080", "emulator --org-size 1000 --seed 7 --fault-5xx 0.05"], "0 stopped with Ctrl-C · 2 bad options"),
        ["schema"] = (["schema > runner.schema.json"], "0 printed"),
        ["init"] = (["init my-rollout"], "0 written · 2 a file exists or the folder cannot be written"),
    };

    /// <summary>What an option takes, by its name.</summary>
    private static readonly Dictionary<string, string> Placeholders = new(StringComparer.Ordinal)
    {
        ["--json"] = "FILE",
        ["--html"] = "FILE",
        ["--csv"] = "FILE",
        ["--out"] = "FILE",
        ["--org"] = "FILE",
        ["--only"] = "ACTION",
        ["--key"] = "KEY",
        ["--under"] = "GROUPID",
        ["--limit"] = "N",
        ["--max-errors"] = "N",
        ["--min-responses"] = "N",
        ["--org-size"] = "N",
        ["--move-after"] = "N",
        ["--every"] = "DURATION",
        ["--urls"] = "URL",
        ["--application-id"] = "ID",
        ["--application-secret"] = "SECRET",
        ["--refresh-token"] = "TOKEN",
        ["--log-level"] = "LEVEL",
    };

    /// <summary>Adds the examples and exit codes to each command's description and the placeholders to its options.</summary>
    public static RootCommand Describe(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        Name(root.Options);
        foreach (var command in root.Subcommands)
        {
            Name(command.Options);
        }
        foreach (var option in root.Options)
        {
            if (option is HelpOption { Action: HelpAction standard } help)
            {
                help.Action = new WithExamples(standard);
            }
        }
        return root;
    }

    private static void Name(IEnumerable<Option> options)
    {
        foreach (var option in options)
        {
            if (option.HelpName is not null || option.ValueType == typeof(bool) || (option.ValueType.IsEnum && !Placeholders.ContainsKey(option.Name)))
            {
                continue;
            }
            option.HelpName = Placeholders.TryGetValue(option.Name, out var placeholder) ? placeholder
                : option.ValueType == typeof(int) || option.ValueType == typeof(int?) ? "N"
                : option.ValueType == typeof(double) || option.ValueType == typeof(double?) ? "RATE"
                : option.ValueType == typeof(FileInfo) ? "FILE"
                : null;
        }
    }

    /// <summary>The standard help, then the command's examples and exit codes (or, for the bare command, where to start).</summary>
    private sealed class WithExamples(HelpAction standard) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var code = standard.Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            var command = parseResult.CommandResult.Command;
            if (command is RootCommand)
            {
                output.WriteLine($"Start with `{Tool} init my-rollout`, then `validate`, `plan` and `run` its run.yaml. From source, run");
                output.WriteLine($"`dotnet run --project src/KaizalaBatch.Cli -- <command>` where this help says `{Tool} <command>`.");
                output.WriteLine();
                output.WriteLine("Exit codes: 0 done · 1 some items failed or were not done · 2 the input is unusable, nothing was sent · 3 stopped early.");
            }
            else if (Commands.TryGetValue(command.Name, out var help))
            {
                output.WriteLine("Examples:");
                foreach (var example in help.Examples)
                {
                    output.WriteLine($"  {Tool} {example}");
                }
                output.WriteLine();
                output.WriteLine($"Exit codes: {help.ExitCodes}.");
            }
            return code;
        }
    }
}
