namespace KaizalaBatch.Planning;

/// <summary>What the ledger remembers of one item, as the plan needs it.</summary>
public sealed record LedgerEntry(
    string Action,
    string Key,
    ItemState State,
    string ContentHash,
    string? ReferenceId,
    string? ActionId,
    int Attempts,
    string? LastError,
    DateTimeOffset UpdatedAt);

/// <summary>Read access to a ledger, all the plan needs. The plan never writes.</summary>
public interface ILedgerReader
{
    LedgerEntry? Find(string action, string key);
}
