using System.Text.RegularExpressions;

namespace KaizalaBatch.Emulator.Tests;

/// <summary>The generated organisation (--org-size with --seed) and the organisation file (--org, docs/organisation.md).</summary>
public sealed partial class OrganisationTests
{
    [Fact]
    public void A_generated_organisation_has_N_groups_in_a_head_office_region_store_hierarchy_and_is_the_same_for_the_same_seed()
    {
        var org = Organisation.Generate(40, seed: 7);

        Assert.Equal(40, org.Groups.Count);
        var head = Assert.Single(org.Roots);
        Assert.Equal("Contoso Retail", head.GroupName);
        var regions = org.SubGroupsOf(head.GroupId);
        Assert.Equal(3, regions.Count);
        Assert.All(regions, r => Assert.Matches(RegionName(), r.GroupName));
        var stores = org.Groups.Where(g => org.LevelOf(g.GroupId) == 2).ToList();
        Assert.Equal(36, stores.Count);
        Assert.All(stores, s => Assert.Matches(StoreName(), s.GroupName));
        Assert.Equal(stores.Count, stores.Select(s => s.GroupName).Distinct().Count());
        Assert.All(org.Groups, g =>
        {
            Assert.Contains(g.Members, m => m.Role == OrgMember.Admin);
            Assert.All(g.Members, m => Assert.Matches(IndianMobile(), m.MobileNumber));
        });
        var phones = org.Groups.SelectMany(g => g.Members).Select(m => m.MobileNumber).ToList();
        Assert.Equal(phones.Count, phones.Distinct().Count());

        var again = Organisation.Generate(40, seed: 7);
        Assert.Equal(Describe(org), Describe(again));
        Assert.NotEqual(Describe(org), Describe(Organisation.Generate(40, seed: 8)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(500)]
    public void Any_size_from_one_is_generated_exactly(int size)
    {
        var org = Organisation.Generate(size, seed: 0);
        Assert.Equal(size, org.Groups.Count);
        Assert.Equal(size, org.Groups.Select(g => g.GroupId).Distinct().Count());
    }

    [Fact]
    public void The_example_organisation_file_loads_with_its_hierarchy_roles_and_provisioning()
    {
        var path = Path.Combine(RepositoryRoot(), "examples", "region-rollout", "org.json");

        var org = OrganisationFile.Load(path);

        Assert.Equal(10, org.Groups.Count);
        Assert.Equal(["Contoso Retail", "North Region", "Store 0042", "Store 0107", "Store 0311", "Store 1250", "South Region",
            "Store 0518", "Store 0623", "Store 2041"], org.Groups.Select(g => g.GroupName));
        var north = org.Groups[1];
        Assert.Equal(org.Roots[0].GroupId, north.ParentGroupId);
        Assert.Equal(1, org.LevelOf(north.GroupId));
        Assert.Equal(OrgMember.Admin, north.Members[0].Role);
        Assert.Single(org.Groups.SelectMany(g => g.Members), m => !m.IsProvisioned);
    }

    [Theory]
    [InlineData("""{ "groups": [ { "groupId": "not-a-guid", "groupName": "A" } ] }""", ":1:")]
    [InlineData("""{ "groups": [ { "groupName": "A" } ] }""", "groupId")]
    [InlineData("""{ "groups": [ { "groupId": "6c7ec515-fcb4-402b-bd4c-b8b3174a554f", "groupName": "A", "colour": "red" } ] }""", "colour")]
    [InlineData("""{ "groups": [ { "groupId": "6c7ec515-fcb4-402b-bd4c-b8b3174a554f", "groupName": "A", "members": [ { "mobileNumber": "9876543210" } ] } ] }""",
        "$.groups[0].members[0].mobileNumber")]
    [InlineData("""{ "groups": [ { "groupId": "6c7ec515-fcb4-402b-bd4c-b8b3174a554f", "groupName": "A", "members": [ { "mobileNumber": "+919876543210", "role": "Owner" } ] } ] }""",
        "$.groups[0].members[0].role")]
    [InlineData("""{ "groups": [ { "groupId": "6c7ec515-fcb4-402b-bd4c-b8b3174a554f", "groupName": "A", "subGroups": [ { "groupId": "6c7ec515-fcb4-402b-bd4c-b8b3174a554f", "groupName": "B" } ] } ] }""",
        "$.groups[0].subGroups[0].groupId: the groupId 6c7ec515-fcb4-402b-bd4c-b8b3174a554f is already used at $.groups[0]")]
    [InlineData("""{ "groups": [ { "groupId": "6c7ec515-fcb4-402b-bd4c-b8b3174a554f", "groupName": " " } ] }""", "$.groups[0].groupName")]
    [InlineData("""{ "groups": [ """, "org.json:")]
    public void A_mistake_in_an_organisation_file_is_reported_with_where_it_is(string json, string expected)
    {
        var error = Assert.Throws<OrganisationFileException>(() => OrganisationFile.Parse(json, "org.json"));
        Assert.StartsWith("org.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_organisation_file_is_an_OrganisationFileException_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-org-" + Guid.NewGuid().ToString("N") + ".json");
        var error = Assert.Throws<OrganisationFileException>(() => OrganisationFile.Load(path));
        Assert.Equal(path, error.Where);
    }

    private static string Describe(Organisation org) =>
        string.Join("\n", org.Groups.Select(g => $"{g.GroupId} {g.GroupName} {g.ParentGroupId} {string.Join(",", g.Members.Select(m => m.MobileNumber + m.Role))}"));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KaizalaBatch.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("KaizalaBatch.sln not found");
    }

    [GeneratedRegex(@"^[A-Z][a-z]+ Region$")]
    private static partial Regex RegionName();

    [GeneratedRegex(@"^Store \d{4}$")]
    private static partial Regex StoreName();

    [GeneratedRegex(@"^\+91[6-9]\d{9}$")]
    private static partial Regex IndianMobile();
}
