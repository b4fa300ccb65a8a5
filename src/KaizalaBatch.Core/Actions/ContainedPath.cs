namespace KaizalaBatch.Actions;

/// <summary>The one check for a path that data (a CSV cell, through a template) chose: it must name something inside a
/// given folder, judged on the real path the operating system would open (every symbolic link followed, the file's
/// and each parent folder's), not on the text. Anything that opens a file named by data goes through
/// <see cref="Resolve"/> (today: <see cref="MediaResolver"/>, whose result the upload opens).</summary>
public static class ContainedPath
{
    /// <summary>More links than this on one path is a loop (Linux gives up at 40 too).</summary>
    private const int MaxLinks = 40;

    /// <summary>Case matters on Linux; Windows and macOS file systems ignore it by default.</summary>
    public static StringComparison Comparison { get; } =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Resolves <paramref name="path"/> (relative) inside <paramref name="folder"/>. Returns the real absolute path
    /// (open that one: it is what was checked), or null with <paramref name="problem"/> saying why in words a user can act
    /// on: an absolute path, a <c>..</c> that leaves the folder, a symbolic link that leads out of it, or a path the
    /// operating system cannot walk. A file that does not exist is not a problem here (the caller says so).</summary>
    public static string? Resolve(string folder, string path, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(path);
        problem = null;
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            problem = "is not a valid path";
            return null;
        }
        if (Path.IsPathRooted(path) || (OperatingSystem.IsWindows() && path.Length >= 2 && path[1] == ':'))
        {
            problem = "is an absolute path";
            return null;
        }
        string root, lexical, real;
        try
        {
            root = RealPath(Path.GetFullPath(folder));
            lexical = Path.GetFullPath(path, root);
            if (!IsInside(lexical, root))
            {
                problem = "leaves the folder with '..'";
                return null;
            }
            real = RealPath(Path.Join(root, path));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            problem = "cannot be followed to a file (a link loop, or a folder on the way that cannot be read)";
            return null;
        }
        if (!IsInside(real, root))
        {
            problem = "passes through a symbolic link that leads outside the folder";
            return null;
        }
        return real;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or lies below it (both absolute and normalised).</summary>
    public static bool IsInside(string path, string folder)
    {
        var root = Path.TrimEndingDirectorySeparator(folder);
        if (path.Length == root.Length)
        {
            return path.Equals(root, Comparison);
        }
        return path.StartsWith(root, Comparison) &&
            (IsSeparator(path[root.Length]) || (root.Length > 0 && IsSeparator(root[^1])));
    }

    /// <summary>The path with every symbolic link resolved, component by component as the operating system walks it
    /// (<c>link/..</c> is the parent of the link's target, not the folder holding the link). Components that do not
    /// exist are kept as written. Throws IOException on a link loop.</summary>
    /// <param name="path">An absolute path; its <c>..</c> are walked, not removed as text first.</param>
    public static string RealPath(string path)
    {
        if (!Path.IsPathFullyQualified(path))
        {
            throw new ArgumentException($"'{path}' is not an absolute path", nameof(path));
        }
        var fullPath = path;
        var current = Path.GetPathRoot(fullPath)!;
        var pending = new Stack<string>(Components(fullPath[current.Length..]).Reverse());
        var links = 0;
        while (pending.TryPop(out var name))
        {
            if (name == ".")
            {
                continue;
            }
            if (name == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Join(current, name);
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (IOException) when (!Path.Exists(next))
            {
                target = null; // not there (or a file used as a folder): nothing to follow
            }
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks)
            {
                throw new IOException("too many levels of symbolic links");
            }
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
                target = target[current.Length..];
            }
            foreach (var part in Components(target).Reverse())
            {
                pending.Push(part);
            }
        }
        return current;
    }

    private static IEnumerable<string> Components(string relative) =>
        relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);

    private static bool IsSeparator(char c) => c == Path.DirectorySeparatorChar || c == Path.AltDirectorySeparatorChar;
}
