using System.Text;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Planning;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Core.Tests;

/// <summary>A fresh folder per test, deleted afterwards, with helpers to write run files and CSVs into it.</summary>
public sealed class TempFolder : IDisposable
{
    public const string GroupA = "8c1a3d6e-0f4b-4c3a-9b1e-2d7f5a6c8e01";
    public const string GroupB = "5b2e4f70-1a2b-4c3d-8e9f-a0b1c2d3e4f5";
    public const string GroupC = "0d9e8f7a-6b5c-4d3e-a2f1-0e9d8c7b6a54";

    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kb-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string text, bool bom = false)
    {
        var full = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text, new UTF8Encoding(bom));
        return full;
    }

    public string WriteBytes(string name, byte[] bytes)
    {
        var full = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        return full;
    }

    public LoadResult Load(string runYaml, Func<string, string?>? environment = null)
    {
        var path = Write("run.yaml", runYaml);
        return RunFileLoader.Load(path, environment ?? (_ => null));
    }

    public RunFile LoadOk(string runYaml, Func<string, string?>? environment = null)
    {
        var result = Load(runYaml, environment);
        Assert.True(result.RunFile is not null, "expected the run file to load, got:\n" + string.Join("\n", result.Diagnostics));
        return result.RunFile!;
    }

    /// <summary>Renders every item, collecting file-level diagnostics.</summary>
    public (List<RenderedItem> Items, List<Diagnostic> FileDiagnostics) Render(string runYaml, RenderOptions? options = null)
    {
        var run = LoadOk(runYaml);
        var diagnostics = new List<Diagnostic>();
        var items = ItemRenderer.Render(run, options ?? new RenderOptions(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)), diagnostics.Add, TestContext.Current.CancellationToken).ToList();
        return (items, diagnostics);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
