namespace KaizalaBatch.Planning;

/// <summary>The ledger state of one item (SPEC section 2).</summary>
public enum ItemState
{
    New,
    Sent,
    Failed,
    InDoubt,
    Invalid,
}
