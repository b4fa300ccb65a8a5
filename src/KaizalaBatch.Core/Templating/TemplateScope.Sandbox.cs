using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace KaizalaBatch.Templating;

/// <summary>The sandbox every template renders in: <c>include</c> is refused, loops, recursion and output are bounded
/// (an overrun is an error, never a cut), and the clock is the run's start.</summary>
public sealed partial class TemplateScope
{
    public const int LoopLimit = 10_000;
    public const int RecursiveLimit = 64;
    public const int OutputLimit = 1_000_000;

    /// <summary>Builds Scriban's builtin functions (a context's first creation in a process, by reflection: about 40 ms),
    /// for a host that preloads on a thread of its own.</summary>
    public static void Prepare() => _ = new TemplateContext();

    private TemplateContext CreateContext()
    {
        var created = new TemplateContext
        {
            LoopLimit = LoopLimit,
            LoopLimitQueryable = LoopLimit,
            RecursiveLimit = RecursiveLimit,
            OutputLimit = OutputLimit,
            // Scriban truncates by default; a silently cut body would be sent as if it were right.
            OnOutputLimit = ScriptLimitBehavior.Throw,
            OnStringLimit = ScriptLimitBehavior.Throw,
            TemplateLoader = new RefusingTemplateLoader(),
            StrictVariables = false,
            EnableRelaxedMemberAccess = true,
            MemberRenamer = member => member.Name,
        };
        // date.now would make a template's output, and so its content hash, change on every run: it gives
        // run.startedAt instead (see RenderOptions.StartedAt).
        if (created.BuiltinObject["date"] is ScriptObject date)
        {
            foreach (var name in new[] { "now", "utc_now" })
            {
                date.SetReadOnly(name, false);
                date.Remove(name);
                date.Import(name, new Func<DateTime>(() => startedAt));
            }
        }
        created.PushGlobal(globals);
        created.PushGlobal(scratch);
        return created;
    }

    /// <summary>Templates may not include other files.</summary>
    private sealed class RefusingTemplateLoader : ITemplateLoader
    {
        public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName) =>
            throw new ScriptRuntimeException(callerSpan, $"include '{templateName}' is not allowed: templates cannot read files");

        public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
            throw new ScriptRuntimeException(callerSpan, "include is not allowed: templates cannot read files");

        public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
            throw new ScriptRuntimeException(callerSpan, "include is not allowed: templates cannot read files");
    }
}
