using KaizalaBatch.Actions;

namespace KaizalaBatch.Core.Tests;

/// <summary>The one check for a path that data chose: inside the folder on the real path, symbolic links followed.</summary>
public sealed class ContainedPathTests : IDisposable
{
    private readonly TempFolder outside = new();
    private readonly TempFolder folder = new();

    public ContainedPathTests()
    {
        outside.WriteBytes("secret.pdf", [1]);
        folder.WriteBytes("docs/a.pdf", [2]);
    }

    public void Dispose()
    {
        folder.Dispose();
        outside.Dispose();
    }

    private string? Resolve(string path, out string? problem) => ContainedPath.Resolve(folder.Path, path, out problem);

    [Fact]
    public void A_relative_path_inside_the_folder_resolves_to_its_real_path()
    {
        Assert.Equal(Path.Combine(folder.Path, "docs", "a.pdf"), Resolve("docs/a.pdf", out var problem));
        Assert.Null(problem);
        Assert.Equal(Path.Combine(folder.Path, "docs", "a.pdf"), Resolve("./docs/../docs/a.pdf", out _));
        // Not being there is the caller's message, not a refusal.
        Assert.Equal(Path.Combine(folder.Path, "docs", "none.pdf"), Resolve("docs/none.pdf", out problem));
        Assert.Null(problem);
    }

    [Fact]
    public void An_absolute_path_is_refused_even_when_it_points_inside()
    {
        Assert.Null(Resolve(Path.Combine(outside.Path, "secret.pdf"), out var problem));
        Assert.Equal("is an absolute path", problem);
        Assert.Null(Resolve(Path.Combine(folder.Path, "docs", "a.pdf"), out problem));
        Assert.Equal("is an absolute path", problem);
    }

    [Theory]
    [InlineData("../secret.pdf")]
    [InlineData("docs/../../secret.pdf")]
    [InlineData("..")]
    public void A_dot_dot_that_leaves_the_folder_is_refused(string path)
    {
        Assert.Null(Resolve(path, out var problem));
        Assert.Contains("'..'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dot_dot_into_a_sibling_whose_name_starts_like_the_folder_is_refused()
    {
        var sibling = folder.Path + "-other";
        Directory.CreateDirectory(sibling);
        try
        {
            File.WriteAllBytes(Path.Combine(sibling, "x.pdf"), [3]);
            Assert.Null(Resolve($"../{Path.GetFileName(sibling)}/x.pdf", out var problem));
            Assert.NotNull(problem);
        }
        finally
        {
            Directory.Delete(sibling, recursive: true);
        }
    }

    [Fact]
    public void A_symbolic_link_to_a_file_outside_is_refused()
    {
        File.CreateSymbolicLink(Path.Combine(folder.Path, "handbook.pdf"), Path.Combine(outside.Path, "secret.pdf"));
        Assert.Null(Resolve("handbook.pdf", out var problem));
        Assert.Contains("symbolic link", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symbolic_link_to_a_folder_outside_is_refused_for_every_file_below_it()
    {
        Directory.CreateSymbolicLink(Path.Combine(folder.Path, "docs", "shared"), outside.Path);
        Assert.Null(Resolve("docs/shared/secret.pdf", out var problem));
        Assert.Contains("symbolic link", problem, StringComparison.Ordinal);
        // A relative link target counts from the link's folder.
        Directory.CreateSymbolicLink(Path.Combine(folder.Path, "up"), "..");
        Assert.Null(Resolve($"up/{Path.GetFileName(outside.Path)}/secret.pdf", out problem));
        Assert.Contains("symbolic link", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dot_dot_after_a_link_is_walked_from_the_link_target_as_the_system_does()
    {
        // docs/deep -> outside/inner: "docs/deep/../secret.pdf" opens outside/secret.pdf, although the text looks inside.
        Directory.CreateDirectory(Path.Combine(outside.Path, "inner"));
        Directory.CreateSymbolicLink(Path.Combine(folder.Path, "docs", "deep"), Path.Combine(outside.Path, "inner"));
        Assert.Null(Resolve("docs/deep/../secret.pdf", out var problem));
        Assert.Contains("symbolic link", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_that_stays_inside_resolves_to_its_target()
    {
        File.CreateSymbolicLink(Path.Combine(folder.Path, "latest.pdf"), Path.Combine("docs", "a.pdf"));
        Directory.CreateSymbolicLink(Path.Combine(folder.Path, "current"), Path.Combine(folder.Path, "docs"));
        Assert.Equal(Path.Combine(folder.Path, "docs", "a.pdf"), Resolve("latest.pdf", out _));
        Assert.Equal(Path.Combine(folder.Path, "docs", "a.pdf"), Resolve("current/a.pdf", out _));
    }

    [Fact]
    public void A_folder_reached_through_a_link_contains_its_own_files()
    {
        var link = folder.Path + "-link";
        Directory.CreateSymbolicLink(link, folder.Path);
        try
        {
            Assert.Equal(Path.Combine(folder.Path, "docs", "a.pdf"), ContainedPath.Resolve(link, "docs/a.pdf", out var problem));
            Assert.Null(problem);
        }
        finally
        {
            Directory.Delete(link);
        }
    }

    [Fact]
    public void A_link_loop_is_refused_without_hanging()
    {
        File.CreateSymbolicLink(Path.Combine(folder.Path, "a.pdf"), "b.pdf");
        File.CreateSymbolicLink(Path.Combine(folder.Path, "b.pdf"), "a.pdf");
        Assert.Null(Resolve("a.pdf", out var problem));
        Assert.Contains("cannot be followed", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dangling_link_is_judged_by_where_it_points()
    {
        File.CreateSymbolicLink(Path.Combine(folder.Path, "gone.pdf"), Path.Combine(outside.Path, "gone.pdf"));
        Assert.Null(Resolve("gone.pdf", out var problem));
        Assert.Contains("symbolic link", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Inside_compares_whole_names_and_case_as_the_platform_does()
    {
        var root = Path.Combine(Path.GetTempPath(), "run");
        Assert.True(ContainedPath.IsInside(Path.Combine(root, "a.pdf"), root));
        Assert.True(ContainedPath.IsInside(root, root + Path.DirectorySeparatorChar));
        Assert.False(ContainedPath.IsInside(root + "2" + Path.DirectorySeparatorChar + "a.pdf", root));
        Assert.False(ContainedPath.IsInside(Path.GetTempPath(), root));
        var otherCase = Path.Combine(Path.GetTempPath(), "RUN", "a.pdf");
        Assert.Equal(!OperatingSystem.IsLinux(), ContainedPath.IsInside(otherCase, root));
    }

    [Fact]
    public void A_path_with_a_nul_character_is_refused()
    {
        Assert.Null(Resolve("docs/a.pdf\0.png", out var problem));
        Assert.Equal("is not a valid path", problem);
    }
}
