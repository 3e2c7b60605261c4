using System.Text;
using Planner.Api.Uploads;

namespace Planner.Tests.Uploads;

/// <summary>
/// Damaged and crafted packages: each is accepted when what is broken is nothing the upload reads, and otherwise
/// refused with a message naming the part, never with another exception (which the API would answer with 500
/// and the CLI with a stack trace). The files are checked and validated without writing anything.
/// </summary>
public class UploadGuardTests(HospitalsDatabase hospitals) : IClassFixture<HospitalsDatabase>
{
    private static readonly string[] Products = ["COVERALL", "GLOVES", "GOGGLES", "N95", "SURGICAL"];

    private byte[] Filled(int rows = 200) =>
        UploadFiles.Edit(hospitals.Template, wb => UploadFiles.Report(wb, new DateTime(2020, 2, 9), rows));

    /// <summary>Checks and validates a file as an upload does, up to writing it: how many reports are valid.</summary>
    private async Task<int> ValidateAsync(byte[] file, UploadLimits? limits = null)
    {
        await using var db = await hospitals.Settings.Planner.OpenAsync(Ct);
        var codes = (await db.QueryAsync<string>("SELECT code FROM hospitals")).ToHashSet(StringComparer.Ordinal);
        limits ??= new UploadLimits();
        using var package = UploadGuard.Open(file, limits);
        var columns = CapacityTemplate.Columns(Products);
        return CapacityRows.Read(package, columns, codes, null, new DateOnly(2020, 2, 10), limits).Count;
    }

    private async Task<UploadRejected> RefusedAsync(byte[] file, UploadLimits? limits = null) =>
        await Assert.ThrowsAsync<UploadRejected>(() => ValidateAsync(file, limits));

    [Fact]
    public async Task PartNamesThatDifferOnlyInCase_AreRefused_NamingBoth()
    {
        var parts = UploadFiles.Parts(Filled());
        parts["xl/Worksheets/Sheet1.xml"] = parts["xl/worksheets/sheet1.xml"];

        var e = await RefusedAsync(UploadFiles.Zip(parts));

        Assert.Contains("/xl/worksheets/sheet1.xml", e.Message, StringComparison.Ordinal);
        Assert.Contains("/xl/Worksheets/Sheet1.xml", e.Message, StringComparison.Ordinal);
        Assert.Contains("differ only in case", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenRelationshipsTheUploadDoesNotNeed_AreLeftAlone()
    {
        // As other tools save them: a hyperlink whose address is not a valid URI, and a relationship to a part
        // that was left out of the file.
        var parts = UploadFiles.Parts(Filled());
        parts["xl/worksheets/_rels/sheet1.xml.rels"] = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
              <Relationship Id="rId1" TargetMode="External" Target="http://[bad host/ \\ %zz"
                Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"/>
              <Relationship Id="rId2" Target="../drawings/drawing1.xml"
                Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"/>
            </Relationships>
            """;
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"]
            .Replace(
                "</Relationships>",
                """
                <Relationship Id="rId98" Target="/xl/calcChain.xml"
                  Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
                  /></Relationships>
                """,
                StringComparison.Ordinal
            );

        Assert.Equal(200, await ValidateAsync(UploadFiles.Zip(parts)));
    }

    [Fact]
    public async Task ABrokenRelationshipToTheDataSheet_IsRefused_NamingThePart()
    {
        var parts = UploadFiles.Parts(Filled());
        parts.Remove("xl/worksheets/sheet1.xml");
        parts["[Content_Types].xml"] = System.Text.RegularExpressions.Regex.Replace(
            parts["[Content_Types].xml"],
            """<Override PartName="/xl/worksheets/sheet1.xml"[^>]*>""",
            ""
        );

        var e = await RefusedAsync(UploadFiles.Zip(parts));

        Assert.Contains("to the sheet Capacity points at", e.Message, StringComparison.Ordinal);
        Assert.Contains("not a part of the file", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/vnd.ms-office.activeX+xml", "ActiveX")]
    [InlineData("application/vnd.openxmlformats-officedocument.oleObject", "embedded objects")]
    [InlineData("application/vnd.ms-excel.macrosheet+xml", "macros")]
    [InlineData("application/x-msdownload", "embedded program")]
    public async Task DangerousParts_AreRefused_ByTheirDeclaredType(string contentType, string what)
    {
        var parts = UploadFiles.Parts(Filled(2));
        parts["xl/media/harmless.txt"] = "MZ";
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"]
            .Replace(
                "<Override ",
                $"""<Override PartName="/xl/media/harmless.txt" ContentType="{contentType}" /><Override """,
                StringComparison.Ordinal
            );

        var e = await RefusedAsync(UploadFiles.Zip(parts));

        Assert.Contains(what, e.Message, StringComparison.Ordinal);
        Assert.Contains("/xl/media/harmless.txt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOleObjectRelationship_IsRefused_WhateverItPointsAt()
    {
        var parts = UploadFiles.Parts(Filled(2));
        parts["xl/worksheets/_rels/sheet1.xml.rels"] = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
              <Relationship Id="rId5" Target="../theme/theme1.xml"
                Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject"/>
            </Relationships>
            """;

        var e = await RefusedAsync(UploadFiles.Zip(parts));

        Assert.Contains("embedded objects (OLE)", e.Message, StringComparison.Ordinal);
        Assert.Contains("/xl/worksheets/_rels/sheet1.xml.rels", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deep")]
    [InlineData("run")]
    [InlineData("names")]
    public async Task XmlBuiltToExhaustTheReader_IsRefused_BeforeItDoes(string trick)
    {
        var parts = UploadFiles.Parts(Filled(2));
        var sheet = parts["xl/worksheets/sheet1.xml"];
        var padding = trick switch
        {
            "deep" => string.Concat(Enumerable.Repeat("<x:extLst>", 100_000))
                + string.Concat(Enumerable.Repeat("</x:extLst>", 100_000)),
            "run" => "<x:extLst>" + new string('a', 3 * 1024 * 1024) + "</x:extLst>",
            _ => "<x:extLst>" + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"<n{i}/>")) + "</x:extLst>",
        };
        parts["xl/worksheets/sheet1.xml"] = sheet.Replace(
            "</x:sheetData>",
            "</x:sheetData>" + padding,
            StringComparison.Ordinal
        );

        // Such padding compresses far past the ratio limit, which would refuse it first: that limit is lifted here.
        var e = await RefusedAsync(UploadFiles.Zip(parts), new UploadLimits { MaxRatio = 1e9 });

        Assert.Contains("/xl/worksheets/sheet1.xml", e.Message, StringComparison.Ordinal);
        var expected = trick switch
        {
            "deep" => "nests elements",
            "run" => "without markup",
            _ => "different element or attribute names",
        };
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Hundreds of mutated packages (bytes flipped, cut short, XML spans deleted or repeated, tokens and attribute
    /// values that break things, parts renamed, removed or swapped, relationships broken), fixed seed: each is
    /// accepted, or refused as <see cref="UploadRejected"/> or <see cref="UploadInvalid"/>, and nothing else.
    /// </summary>
    [Fact]
    public async Task MutatedPackages_AreAcceptedOrRefusedCleanly_NeverAnotherException()
    {
        var original = Filled(3);
        var random = new Random(20200210);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        for (var n = 0; n < 400; n++)
        {
            var (what, file) = Mutate(original, random);
            try
            {
                await ValidateAsync(file);
                outcomes["accepted"] = outcomes.GetValueOrDefault("accepted") + 1;
            }
            catch (Exception e) when (e is UploadRejected or UploadInvalid)
            {
                outcomes[e.GetType().Name] = outcomes.GetValueOrDefault(e.GetType().Name) + 1;
            }
            catch (Exception e)
            {
                failures.Add($"{n} {what}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // The mutations reach every outcome, so the test exercises the refusals and not only the happy path.
        Assert.All(new[] { "accepted", nameof(UploadRejected), nameof(UploadInvalid) }, k =>
            Assert.True(outcomes.GetValueOrDefault(k) > 0, $"no {k}: {string.Join(", ", outcomes)}")
        );
    }

    private static readonly string[] Tokens =
    [
        "<",
        ">",
        "&",
        "\"",
        "<x>",
        "</x:row>",
        "<!DOCTYPE a []>",
        "&#0;",
        "<x:c r=\"ZZZ99\"><x:v>1</x:v></x:c>",
        " t=\"e\"",
        " r=\"0\"",
        "<![CDATA[x]]>",
        "<x:row r=\"1\"/>",
        "<x:f>1+1</x:f>",
        "<x:is><x:t>é</x:t></x:is>",
        "\uFFFE",
        "<x:mergeCell ref=\"A1:\"/>",
    ];

    private static readonly string[] Values =
    [
        "",
        "-1",
        "A0",
        "XFE1",
        "99999999999",
        "../../x",
        "http://[::1",
        "%zz",
        "rId999",
        "1E400",
        "NaN",
        "s",
        "e",
        "b",
        "d",
        "inlineStr",
        "/",
    ];

    private static (string What, byte[] File) Mutate(byte[] file, Random random)
    {
        var parts = UploadFiles.Parts(file);
        var names = parts.Keys.Order(StringComparer.Ordinal).ToList();
        var name = names[random.Next(names.Count)];
        var text = parts[name];
        switch (random.Next(11))
        {
            case 0:
                var flipped = (byte[])file.Clone();
                for (var i = random.Next(1, 9); i > 0; i--)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)random.Next(1, 256);
                }
                return ("bytes flipped", flipped);
            case 1:
                return ("cut short", file[..random.Next(file.Length)]);
            case 2:
                var start = random.Next(text.Length);
                parts[name] = text.Remove(start, Math.Min(text.Length - start, random.Next(1, 60)));
                return ($"span deleted in {name}", UploadFiles.Zip(parts));
            case 3:
                var from = random.Next(text.Length);
                var span = text.Substring(from, Math.Min(text.Length - from, random.Next(1, 400)));
                parts[name] = text.Insert(random.Next(text.Length), span);
                return ($"span repeated in {name}", UploadFiles.Zip(parts));
            case 4:
                var token = Tokens[random.Next(Tokens.Length)];
                parts[name] = text.Insert(random.Next(text.Length), token);
                return ($"'{token}' inserted in {name}", UploadFiles.Zip(parts));
            case 5:
                var attributes = System.Text.RegularExpressions.Regex.Matches(text, "=\"[^\"]*\"");
                if (attributes.Count == 0)
                    goto default;
                var attribute = attributes[random.Next(attributes.Count)];
                var value = Values[random.Next(Values.Length)];
                parts[name] = text.Remove(attribute.Index, attribute.Length).Insert(attribute.Index, $"=\"{value}\"");
                return ($"attribute {attribute.Value} set to '{value}' in {name}", UploadFiles.Zip(parts));
            case 6:
                parts[name.ToUpperInvariant()] = text;
                if (random.Next(2) == 0)
                    parts.Remove(name);
                return ($"{name} renamed in capitals", UploadFiles.Zip(parts));
            case 7:
                parts.Remove(name);
                return ($"{name} removed", UploadFiles.Zip(parts));
            case 8:
                var rels = names.Where(n => n.EndsWith(".rels", StringComparison.Ordinal)).ToList();
                var target = rels[random.Next(rels.Count)];
                var broken =
                    random.Next(2) == 0
                        ? """Target="http://[::1 bad" TargetMode="External" """
                        : """Target="../missing/part.xml" """;
                const string Hyperlink =
                    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/" + "hyperlink";
                parts[target] = parts[target]
                    .Replace(
                        "</Relationships>",
                        $"""<Relationship Id="rIdX" Type="{Hyperlink}" {broken}/></Relationships>""",
                        StringComparison.Ordinal
                    );

                return ($"broken relationship added to {target}", UploadFiles.Zip(parts));
            case 9:
                var other = names[random.Next(names.Count)];
                (parts[name], parts[other]) = (parts[other], parts[name]);
                return ($"{name} and {other} swapped", UploadFiles.Zip(parts));
            default:
                var bytes = Encoding.UTF8.GetBytes(text);
                for (var i = random.Next(1, 5); i > 0 && bytes.Length > 0; i--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                parts[name] = Encoding.UTF8.GetString(bytes);
                return ($"bytes changed in {name}", UploadFiles.Zip(parts));
        }
    }
}
