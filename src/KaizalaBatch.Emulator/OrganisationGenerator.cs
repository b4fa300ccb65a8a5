using System.Globalization;

namespace KaizalaBatch.Emulator;

/// <summary>
/// Makes up a retail chain of N groups from a seed: one head-office group ("Contoso Retail"), regions under it
/// ("North Region", ...) and stores under the regions ("Store 0042"). Every group has an Admin or two and a few
/// Members with Indian mobile numbers (+91 followed by ten digits starting 6 to 9), about one in ten not yet
/// provisioned. The same size and seed give the same organisation, GUIDs included, on every machine.
/// </summary>
public static class OrganisationGenerator
{
    private static readonly string[] RegionNames =
        ["North", "South", "East", "West", "Central", "Coastal", "Hill", "Metro", "Capital", "Delta", "Highland", "Valley"];

    public static Organisation Generate(int size, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var random = new Random(seed);
        var phones = new HashSet<string>(StringComparer.Ordinal);
        var groups = new List<OrgGroup>(size);

        var head = NewGroup(random, "Contoso Retail", null, admins: 2, members: 1, phones);
        groups.Add(head);
        var regionCount = Math.Min(size - 1, Math.Clamp((int)Math.Round(Math.Sqrt(size - 1) / 2), 1, RegionNames.Length));
        var regions = new List<OrgGroup>(regionCount);
        for (var r = 0; r < regionCount; r++)
        {
            var region = NewGroup(random, RegionNames[r] + " Region", head.GroupId, admins: 1, members: random.Next(1, 4), phones);
            regions.Add(region);
            groups.Add(region);
        }

        // Distinct store numbers from 1 to 9999 (or more for a huge chain), in ascending order within each region.
        var storeCount = size - 1 - regionCount;
        var numbers = StoreNumbers(random, storeCount);
        var perRegion = regions.Select(_ => new List<int>()).ToList();
        for (var s = 0; s < storeCount; s++)
        {
            perRegion[s % Math.Max(regionCount, 1)].Add(numbers[s]);
        }

        for (var r = 0; r < regionCount; r++)
        {
            foreach (var number in perRegion[r].Order())
            {
                var name = "Store " + number.ToString("D4", CultureInfo.InvariantCulture);
                groups.Add(NewGroup(random, name, regions[r].GroupId, admins: 1, members: random.Next(2, 8), phones));
            }
        }

        return new Organisation(groups);
    }

    private static List<int> StoreNumbers(Random random, int count)
    {
        var range = Math.Max(9999, count * 2);
        var chosen = new HashSet<int>();
        var list = new List<int>(count);
        while (list.Count < count)
        {
            var number = random.Next(1, range + 1);
            if (chosen.Add(number))
            {
                list.Add(number);
            }
        }

        return list;
    }

    private static OrgGroup NewGroup(Random random, string name, Guid? parent, int admins, int members, HashSet<string> phones)
    {
        var id = NewGuid(random);
        var list = new List<OrgMember>(admins + members);
        for (var i = 0; i < admins + members; i++)
        {
            var provisioned = i < admins || random.Next(10) != 0;
            list.Add(OrgMember.Of(NewPhone(random, phones), i < admins ? OrgMember.Admin : OrgMember.Member, provisioned));
        }

        return new OrgGroup(id, name, parent, list);
    }

    private static Guid NewGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return Organisation.AsVersion4(bytes);
    }

    private static string NewPhone(Random random, HashSet<string> phones)
    {
        while (true)
        {
            var phone = "+91" + random.Next(6, 10).ToString(CultureInfo.InvariantCulture)
                + random.Next(0, 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture);
            if (phones.Add(phone))
            {
                return phone;
            }
        }
    }
}
