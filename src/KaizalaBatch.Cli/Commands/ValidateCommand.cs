using System.CommandLine;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Cli.Commands;

/// <summary><c>kaizala-batch validate RUN.yaml</c>: schema, templates, CSVs and every rendered payload.</summary>
public static class ValidateCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var runFile = CommonArguments.RunFile();
        var command = new Command("validate", "Check the run file, its CSVs and templates, and every rendered payload; print each error with its file and line:column or CSV row.")
        {
            runFile,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var diagnostics = new DiagnosticWriter(error);
            var run = RunInput.Load(parse.GetRequiredValue(runFile), diagnostics);
            if (run is null)
            {
                output.WriteLine($"validate: the run file is unusable ({Counted.Of(diagnostics.Errors, "error")}).");
                return Task.FromResult(ExitCodes.InputUnusable);
            }
            var result = PlanPass.Run(run, ledger: null, new RenderOptions(DateTimeOffset.UtcNow), new PlanOptions(), diagnostics, null, cancellationToken);
            output.WriteLine($"validate: {run.Name}: {Counted.Of(result.Items, "item")} in {Counted.Of(run.Actions.Count, "action")}, " +
                $"{result.Items - result.InvalidItems} valid, {result.InvalidItems} invalid; {Counted.Of(result.InputErrors, "input error")}.");
            return Task.FromResult(result.ExitCode);
        });
        return command;
    }
}
