using System.Text;
using KaizalaBatch.Ledger.Sqlite;
using KaizalaBatch.Planning;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace KaizalaBatch.Ledger.Tests;

/// <summary>The actionBody each item was sent with, kept compressed with its in-doubt mark (migration 6), so that plan can
/// show what changed: given back as sent, dropped when the run file says keepPayloads: false, absent from older ledgers.</summary>
public sealed class SentBodyTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_body_kept_with_the_in_doubt_mark_is_given_back_as_sent_and_stored_compressed()
    {
        var path = _dir.File("run.ledger.db");
        var item = Items.Survey("survey", Items.NewGroup(), title: string.Concat(Enumerable.Repeat("Fire exit check. ", 40)));
        var body = item.Body!.ToJsonString();
        using (var ledger = SqliteLedger.Open(path, LedgerMode.ReadWrite, _time))
        {
            ledger.MarkInDoubt(item, "req", "t", _time.GetUtcNow(), body);
            // In doubt is enough: the body left with the request that the mark announced.
            Assert.Equal(body, ledger.FindSentBody(item.Action, item.Key));
            ledger.MarkSent(item.Action, item.Key, "ref", "act");
            Assert.Equal(body, ledger.FindSentBody(item.Action, item.Key));
            Assert.Null(ledger.FindSentBody(item.Action, "another key"));
        }
        using (var reader = SqliteLedger.Open(path, LedgerMode.ReadOnly))
        {
            Assert.Equal(body, reader.FindSentBody(item.Action, item.Key));
        }

        var stored = RawBody(path, item);
        Assert.NotNull(stored);
        Assert.True(stored.Length < body.Length / 4, $"{stored.Length} bytes stored for a {body.Length}-character body");
        Assert.True(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes("Fire exit check")) < 0, "the body is stored as plain text");
    }

    [Fact]
    public void A_body_larger_than_the_compression_window_and_one_of_any_text_come_back_whole()
    {
        // Past the encoder's 64 KB window, text that repeats from far back and text that does not repeat at all;
        // then characters of every width (UTF-8 of 1 to 4 bytes) and a single character.
        var random = new Random(7);
        var noise = new string([.. Enumerable.Range(0, 90_000).Select(_ => (char)random.Next(32, 127))]);
        var far = string.Concat(Enumerable.Repeat(noise[..70_000], 3));
        foreach (var text in new[] { $"{{\"a\":\"{noise}\"}}", $"{{\"b\":\"{far}\"}}", "{\"c\":\"é ☕ 𝄞 \\u0000 \"}", "1" })
        {
            Assert.Equal(text, SentBodies.Decompress(SentBodies.Compress(text)));
        }
    }

    [Fact]
    public void An_attempt_that_keeps_no_body_drops_the_one_kept_before()
    {
        var path = _dir.File("run.ledger.db");
        var item = Items.Job("job", Items.NewGroup());
        using var ledger = SqliteLedger.Open(path, LedgerMode.ReadWrite, _time);
        ledger.MarkInDoubt(item, "req", null, _time.GetUtcNow(), item.Body!.ToJsonString());
        ledger.MarkSent(item.Action, item.Key, "ref", "act");
        Assert.NotNull(ledger.FindSentBody(item.Action, item.Key));

        // keepPayloads: false, then the changed item is sent again.
        ledger.MarkInDoubt(item, "req2", null, _time.GetUtcNow(), sentBody: null);
        Assert.Null(ledger.FindSentBody(item.Action, item.Key));
        Assert.Null(RawBody(path, item));
        Assert.Equal(0, KeptBodies(path));
        Assert.Equal(ItemState.InDoubt, ledger.Find(item.Action, item.Key)?.State);
    }

    [Fact]
    public void Each_attempt_keeps_its_own_body_and_the_one_it_replaces_is_gone()
    {
        var path = _dir.File("run.ledger.db");
        var first = Items.Survey("survey", Items.NewGroup(), title: "First");
        var other = Items.Survey("survey", Items.NewGroup(), title: "Other");
        using var ledger = SqliteLedger.Open(path, LedgerMode.ReadWrite, _time);
        ledger.MarkInDoubt(first, "req", "First", _time.GetUtcNow(), first.Body!.ToJsonString());
        ledger.MarkInDoubt(other, "req", "Other", _time.GetUtcNow(), other.Body!.ToJsonString());
        ledger.MarkSent(first.Action, first.Key, "ref", "act");

        // The first item is changed and sent again: its new body replaces the old one; the other item's is untouched.
        var changed = Items.Survey("survey", first.GroupId, title: "First, changed");
        ledger.MarkInDoubt(changed, "req2", "First, changed", _time.GetUtcNow(), changed.Body!.ToJsonString());
        Assert.Equal(changed.Body!.ToJsonString(), ledger.FindSentBody(first.Action, first.Key));
        Assert.Equal(other.Body!.ToJsonString(), ledger.FindSentBody(other.Action, other.Key));
        Assert.Equal(2, KeptBodies(path));
    }

    [Fact]
    public void Bodies_kept_in_the_item_row_by_an_older_ledger_are_moved_to_their_table()
    {
        var path = _dir.File("v7.ledger.db");
        var items = Enumerable.Range(0, 3).Select(i => Items.Survey("survey", Items.NewGroup(), title: $"Survey {i}")).ToList();
        using (var raw = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            raw.Open();
            LedgerSchema.Migrate(raw, upTo: 7);
            foreach (var (item, i) in items.Select((item, i) => (item, i)))
            {
                using var insert = raw.CreateCommand();
                insert.CommandText = """
                    INSERT INTO items (action, key, group_id, action_type, state, content_hash, attempts, updated_at, sent_body)
                    VALUES ($a, $k, $k, 'Survey', 'Sent', 'h', 1, 0, $body)
                    """;
                insert.Parameters.AddWithValue("$a", item.Action);
                insert.Parameters.AddWithValue("$k", item.Key);
                // The second item was sent with keepPayloads: false.
                insert.Parameters.AddWithValue("$body", i == 1 ? DBNull.Value : SentBodies.Compress(item.Body!.ToJsonString()));
                insert.ExecuteNonQuery();
            }
        }
        using (var ledger = SqliteLedger.Open(path, LedgerMode.ReadWrite, _time))
        {
            Assert.Equal(LedgerSchema.CurrentVersion, ledger.SchemaVersion);
            Assert.Equal(items[0].Body!.ToJsonString(), ledger.FindSentBody(items[0].Action, items[0].Key));
            Assert.Null(ledger.FindSentBody(items[1].Action, items[1].Key));
            Assert.Equal(items[2].Body!.ToJsonString(), ledger.FindSentBody(items[2].Action, items[2].Key));
        }
        Assert.Equal(2, KeptBodies(path));
        Assert.NotNull(RawBody(path, items[2]));
    }

    private static long KeptBodies(string path)
    {
        using var raw = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        raw.Open();
        using var count = raw.CreateCommand();
        count.CommandText = "SELECT count(*) FROM sent_bodies";
        return (long)count.ExecuteScalar()!;
    }

    [Fact]
    public void A_ledger_from_before_bodies_were_kept_is_migrated_and_has_none()
    {
        var path = _dir.File("v5.ledger.db");
        using (var raw = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            raw.Open();
            LedgerSchema.Migrate(raw, upTo: 5);
            using var insert = raw.CreateCommand();
            insert.CommandText = "INSERT INTO items (action, key, group_id, action_type, state, content_hash, attempts, updated_at) VALUES ('a', 'k', 'g', 'Job', 'Sent', 'h', 1, 0)";
            insert.ExecuteNonQuery();
        }
        using (var ledger = SqliteLedger.Open(path, LedgerMode.ReadWrite, _time))
        {
            Assert.Equal(LedgerSchema.CurrentVersion, ledger.SchemaVersion);
            Assert.Equal(ItemState.Sent, ledger.Find("a", "k")?.State);
            // Sent before ledgers recorded connectors: read back through the first one.
            Assert.Null(ledger.Find("a", "k")?.Connector);
            Assert.Null(ledger.FindSentBody("a", "k"));
        }
        using var missing = SqliteLedger.Open(_dir.File("none.ledger.db"), LedgerMode.ReadOnly);
        Assert.Null(missing.FindSentBody("a", "k"));
    }

    [Fact]
    public void A_damaged_body_reads_as_not_kept()
    {
        Assert.Null(SentBodies.Decompress([1, 2, 3, 4, 5]));
        Assert.Equal("{\"title\":\"x\"}", SentBodies.Decompress(SentBodies.Compress("{\"title\":\"x\"}")));
    }

    private static byte[]? RawBody(string path, RenderedItem item)
    {
        using var raw = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        raw.Open();
        using var select = raw.CreateCommand();
        select.CommandText = "SELECT b.body FROM items i JOIN sent_bodies b ON b.id = i.sent_body_id WHERE i.action = $a AND i.key = $k";
        select.Parameters.AddWithValue("$a", item.Action);
        select.Parameters.AddWithValue("$k", item.Key);
        return select.ExecuteScalar() as byte[];
    }
}
