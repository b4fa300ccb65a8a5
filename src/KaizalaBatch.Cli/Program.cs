using KaizalaBatch.Cli;
using KaizalaBatch.Cli.Output;

// `validate` compiles no code at run time: a regex built with RegexOptions.Compiled (YamlDotNet's AnchorName, in every
// process that reads YAML) is then interpreted instead of emitted and JIT-compiled at full optimisation, 40-60 ms at the
// head of the start-up's critical path (bench/README.md, issue 15: CPU of validate 0.46 -> 0.42 s, wall median 0.82 ->
// 0.74 s at load 12-14; validate of 100,000 rows unchanged). Only for validate: the emulator's ASP.NET Core and the send
// path would turn to reflection and interpreted expressions. Set before anything reads RuntimeFeature, which keeps the
// first value it reads; here, not in CliApp, whose callers (the tests) run many commands in one process.
if (args is ["validate", ..])
{
    AppContext.SetSwitch("System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported", false);
}

// On a terminal, stderr goes through a writer that a live progress bar can take over, so that log lines print above
// the bar instead of through it. Set before any logger captures Console.Error (which wraps it: the commands get it
// directly, to find it again).
var error = Console.IsErrorRedirected ? Console.Error : new LiveLogWriter(Console.Error);
if (error is LiveLogWriter)
{
    Console.SetError(error);
}
return await CliApp.RunAsync(args, Console.Out, error, CancellationToken.None);
