using KaizalaBatch.Cli;
using KaizalaBatch.Cli.Output;

// On a terminal, stderr goes through a writer that a live progress bar can take over, so that log lines print above
// the bar instead of through it. Set before any logger captures Console.Error (which wraps it: the commands get it
// directly, to find it again).
var error = Console.IsErrorRedirected ? Console.Error : new LiveLogWriter(Console.Error);
if (error is LiveLogWriter)
{
    Console.SetError(error);
}
return await CliApp.RunAsync(args, Console.Out, error, CancellationToken.None);
