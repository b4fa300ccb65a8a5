namespace KaizalaBatch.Core.Tests;

public sealed class SpecExampleTests
{
    /// <summary>The run file of SPEC section 1, verbatim, comments and all.</summary>
    private const string SpecRunFile = """
        # yaml-language-server: $schema=../../runner.schema.json
        version: 1
        name: q3-safety-survey          # names the run; the ledger defaults to <name>.ledger.db beside this file

        connection:
          emulator: true                # the embedded default: an in-process emulator on a loopback port
          # for the real service instead:
          # apiRoot: https://api.kaiza.la/v1
          # applicationId: ${env:KAIZALA_APPLICATION_ID}
          # applicationSecret: ${env:KAIZALA_APPLICATION_SECRET}
          # refreshToken: ${env:KAIZALA_REFRESH_TOKEN}
          # timeoutSeconds: 60

        limits:
          perMinute: 100                # calls per minute; the service allows 100 per connector
          concurrency: 4                # requests in flight at most
          maxAttempts: 5                # per item, over 429, 5xx, timeouts and resets
          maxErrors: 50                 # stop the run after this many failed items (0: never)

        vars: { quarter: Q3 }           # templates see these as vars.*
        phoneDefaults: { countryCode: "+91" }   # a number without + gets this prefix

        actions:
          - name: safety-survey         # unique in the file; part of every item's identity
            type: Survey                # Job Survey Poll Announcement LetsMeet Image Album Audio Document Video Custom
            # packageId: com.contoso.checkin.3   # type Custom only: the Action package, sent as "id"
            targets:
              file: groups.csv          # relative to the run file
              groupId: groupId          # the column that holds the group GUID (default: groupId)
              groupBy: groupId          # optional: rows sharing this column become one item
              where: "{{ row.region == 'APAC' }}"   # optional row filter
            key: "{{ row.groupId }}"    # an item's identity within its action (default: its groupId)
            body:                       # the actionBody; every string may hold Scriban
              title: "{{ vars.quarter }} safety check: {{ row.site }}"
              dueDate: "{{ row.dueHours }}"          # a lone {{ expression }} keeps its type
              questions:
                - { title: "Is the fire exit clear?", type: SingleOption, options: [ {title: "Yes"}, {title: "No"} ] }
            # bodyTemplate: survey.sbn  # instead of body: a Scriban file that renders the actionBody as JSON
        """;

    [Fact]
    public void The_spec_example_loads_and_renders()
    {
        using var folder = new TempFolder();
        folder.Write("groups.csv", "groupId,site,region,dueHours\n" +
            $"{TempFolder.GroupA},Pune,APAC,48\n{TempFolder.GroupB},Paris,EMEA,12\n{TempFolder.GroupC},Goa,APAC,\n");
        var run = folder.LoadOk(SpecRunFile);
        Assert.Equal("q3-safety-survey", run.Name);
        Assert.True(run.Connection.Emulator);
        Assert.Equal("+91", run.PhoneDefaults.CountryCode);
        var (items, diagnostics) = folder.Render(SpecRunFile);
        Assert.Empty(diagnostics);
        Assert.Equal([TempFolder.GroupA, TempFolder.GroupC], items.Select(i => i.Key));
        Assert.All(items, i => Assert.True(i.IsValid, string.Join("\n", i.Errors)));
        Assert.Equal("Q3 safety check: Pune", items[0].Body!["title"]!.GetValue<string>());
        Assert.Equal(48L, items[0].Body!["dueDate"]!.GetValue<long>());
        Assert.Equal(24L, items[1].Body!["dueDate"]!.GetValue<long>());
        Assert.Equal(Path.Combine(folder.Path, "q3-safety-survey.ledger.db"), run.LedgerPath);
    }
}
