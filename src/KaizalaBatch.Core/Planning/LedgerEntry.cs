namespace KaizalaBatch.Planning;

/// <summary>What the ledger remembers of one item, as the plan and the sender need it (the sender never reads the ledger
/// again for what the plan already read).</summary>
/// <param name="InDoubtSince">Start of the first attempt of the current in-doubt streak: the read-back's lower bound.</param>
/// <param name="SentTitle">The title the item was last sent under: what the read-back's summary can be matched by.</param>
/// <param name="Connector">The connector (by its name in the pool) the item was last sent through; null before ledgers kept it.</param>
public sealed record LedgerEntry(
    string Action,
    string Key,
    ItemState State,
    string ContentHash,
    string? ReferenceId,
    string? ActionId,
    int Attempts,
    string? LastError,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? InDoubtSince = null,
    string? SentTitle = null,
    string? Connector = null);

/// <summary>Read access to a ledger, all the plan needs. The plan never writes.</summary>
public interface ILedgerReader
{
    LedgerEntry? Find(string action, string key);
}
