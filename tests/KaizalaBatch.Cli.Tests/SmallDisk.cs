using System.Diagnostics;
using System.Globalization;

namespace KaizalaBatch.Cli.Tests;

/// <summary>A real, small filesystem (tmpfs) mounted on a folder, to fill a ledger's disk for real: the program meets
/// SQLITE_FULL exactly as on a full disk, with no hook in it. Mounting needs root (CI runs as root); elsewhere the test
/// that asks for one is skipped, saying why.</summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path)
    {
        Path = path;
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="kilobytes"/> on <paramref name="path"/> (created if needed), or skips the test.</summary>
    public static SmallDisk Mount(string path, int kilobytes)
    {
        Directory.CreateDirectory(path);
        var (exit, output) = Run("mount", "-t", "tmpfs", "-o", Size(kilobytes), "tmpfs", path);
        if (exit != 0)
        {
            Assert.Skip($"cannot mount a small tmpfs here (root needed): {output.Trim()}");
        }
        return new SmallDisk(path);
    }

    /// <summary>Gives the filesystem more room, as a user does by freeing space; its files stay.</summary>
    public void Grow(int kilobytes)
    {
        var (exit, output) = Run("mount", "-o", "remount," + Size(kilobytes), Path);
        Assert.True(exit == 0, $"remount failed: {output}");
    }

    private static string Size(int kilobytes) => string.Create(CultureInfo.InvariantCulture, $"size={kilobytes}k");

    private static (int Exit, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }

    public void Dispose()
    {
        // Lazy: a child process that still holds a file must not keep the mount (and the test's folder) alive.
        Run("umount", "-l", Path);
    }
}
