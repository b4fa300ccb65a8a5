using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.UseCases;

/// <summary>What <c>validate</c> found. <paramref name="Run"/> is null when the run file itself is unusable.</summary>
public sealed record ValidateResult(int ExitCode, RunFile? Run, int Items, int InvalidItems, int InputErrors);

/// <summary><c>validate</c>: the run file, its CSVs and templates, and every rendered payload; no ledger, no service.</summary>
public static class ValidateUseCase
{
    public static ValidateResult Execute(string runFilePath, UseCaseHost host, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var run = RunFileInput.Load(runFilePath, host, diagnostics);
        if (run is null)
        {
            return new ValidateResult(ExitCodes.InputUnusable, null, 0, 0, diagnostics.Errors);
        }
        var pass = PlanPass.Run(run, ledger: null, new RenderOptions(host.Time.GetUtcNow()), new PlanOptions(), diagnostics, null, cancellationToken);
        return new ValidateResult(pass.ExitCode, run, pass.Items, pass.InvalidItems, pass.InputErrors);
    }
}
