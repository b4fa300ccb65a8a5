using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KaizalaBatch.Emulator.State;

/// <summary>
/// The read-back's <c>sender</c> is a phone number (actions_get.md); a connector posts as one number of its own.
/// The emulator derives it from the applicationId, so it is the same on every run and every emulator instance.
/// </summary>
public static class Senders
{
    /// <summary>A stable Indian mobile number (+91 9xxxxxxxxx) for a connector's applicationId.</summary>
    public static string PhoneOf(string connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(connector));
        var digits = BitConverter.ToUInt64(hash, 0) % 1_000_000_000UL;
        return "+919" + digits.ToString("D9", CultureInfo.InvariantCulture);
    }
}
