using System.Text;
using Microsoft.Extensions.Logging;

namespace KaizalaBatch.Api;

/// <summary>Where a rotated refresh token outlives the process: a file beside the ledger that only its owner can read
/// (<see cref="KaizalaClientOptions.RefreshTokenFile"/>). Without a path, a rotation lives only in memory.</summary>
internal sealed class RefreshTokenFile(string? path, ILogger logger)
{
    public string? Path => path;

    /// <summary>The token a former run kept, when there is one.</summary>
    public Secret? Read()
    {
        if (path is not null && File.Exists(path))
        {
            var kept = File.ReadAllText(path).Trim();
            if (kept.Length > 0)
            {
                logger.LogInformation("Using the rotated refresh token kept in {RefreshTokenFile}", path);
                return new Secret(kept);
            }
        }
        return null;
    }

    /// <summary>Keeps the token the service just rotated to, for the next run.</summary>
    public void Keep(Secret rotated)
    {
        if (path is null)
        {
            logger.LogWarning("The service issued a new refresh token but no file is configured to keep it; it lives until the process ends");
            return;
        }
        WriteSecret(path, rotated);
        logger.LogInformation("The service rotated the refresh token; the new one is kept in {RefreshTokenFile}", path);
    }

    /// <summary>Deletes the kept token once the service refused it: it is worth nothing any more.</summary>
    public void Forget()
    {
        if (path is null)
        {
            return;
        }
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not delete {RefreshTokenFile}: {Error}", path, ex.Message);
        }
    }

    /// <summary>Writes a secret atomically (temp file, flush, rename) to a file only its owner can read (0600 on Unix), so a
    /// crash never leaves half a token and no other user ever sees one.</summary>
    private static void WriteSecret(string path, Secret secret)
    {
        var full = System.IO.Path.GetFullPath(path);
        var temp = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(secret.Reveal()));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
