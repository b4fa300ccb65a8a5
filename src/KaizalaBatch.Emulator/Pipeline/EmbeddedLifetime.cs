using Microsoft.Extensions.Hosting;

namespace KaizalaBatch.Emulator.Pipeline;

/// <summary>
/// Replaces the host's ConsoleLifetime: the emulator lives inside other programs (the CLI, test
/// runs), so Ctrl+C and SIGTERM belong to them, not to it. It stops when its owner says so.
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
