using System.CommandLine;
using KaizalaBatch.Cli.Output;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.UseCases;

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
            var diagnostics = DiagnosticWriter.Printing(error);
            var result = ValidateUseCase.Execute(parse.GetRequiredValue(runFile), Host.Quiet, diagnostics, cancellationToken);
            diagnostics.WriteOmittedNote(error);
            output.WriteLine(result.Run is not { } run
                ? $"validate: the run file is unusable ({Counted.Of(diagnostics.Errors, "error")})."
                : $"validate: {run.Name}: {Counted.Of(result.Items, "item")} in {Counted.Of(run.Actions.Count, "action")}, " +
                  $"{result.Items - result.InvalidItems} valid, {result.InvalidItems} invalid; {Counted.Of(result.InputErrors, "input error")}.");
            return Task.FromResult(result.ExitCode);
        });
        return command;
    }
}
