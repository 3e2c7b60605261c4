using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Planner.Tests.Localization;

/// <summary>Every text a person reads exists in both languages: the resource files come in pairs with the same keys,
/// nothing empty, the Chinese in Chinese, and every key a page asks for is there.</summary>
public partial class ResourceTests
{
    private static string Api => Path.GetFullPath(Path.Combine(TestPlanner.DataDirectory, "..", "Planner.Api"));

    private static IEnumerable<string> ResourceFiles(string language) =>
        Directory
            .EnumerateFiles(Api, $"*.{language}.resx", SearchOption.AllDirectories)
            .Where(f =>
                !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            );

    private static Dictionary<string, string> Read(string path) =>
        XDocument
            .Load(path)
            .Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    [Fact]
    public void EveryResource_HasBothLanguages_WithTheSameKeys_NoneEmpty()
    {
        var chinese = ResourceFiles("zh-CN").ToList();
        Assert.NotEmpty(chinese);
        var problems = new List<string>();
        foreach (var zh in chinese)
        {
            var en = zh.Replace(".zh-CN.resx", ".en.resx", StringComparison.Ordinal);
            if (!File.Exists(en))
            {
                problems.Add($"{Path.GetRelativePath(Api, zh)} has no English file");
                continue;
            }
            var (z, e) = (Read(zh), Read(en));
            problems.AddRange(z.Keys.Except(e.Keys).Select(k => $"{Path.GetRelativePath(Api, en)} lacks {k}"));
            problems.AddRange(e.Keys.Except(z.Keys).Select(k => $"{Path.GetRelativePath(Api, zh)} lacks {k}"));
            problems.AddRange(
                z.Concat(e).Where(p => string.IsNullOrWhiteSpace(p.Value)).Select(p => $"{p.Key} is empty in {zh}")
            );
            // A Chinese text has Chinese in it, unless it is only placeholders and punctuation ("{0}，{1}").
            problems.AddRange(
                z.Where(p => !Han().IsMatch(p.Value) && Latin().IsMatch(Placeholder().Replace(p.Value, "")))
                    .Select(p => $"{Path.GetRelativePath(Api, zh)}: {p.Key} has no Chinese")
            );
        }
        problems.AddRange(
            ResourceFiles("en")
                .Where(en => !File.Exists(en.Replace(".en.resx", ".zh-CN.resx", StringComparison.Ordinal)))
                .Select(en => $"{Path.GetRelativePath(Api, en)} has no Chinese file")
        );
        Assert.Empty(problems);
    }

    [Fact]
    public void EveryKeyAPageAsksFor_IsInItsResources()
    {
        var missing = new List<string>();
        foreach (var zh in ResourceFiles("zh-CN"))
        {
            var page = zh.Replace(".zh-CN.resx", ".cshtml", StringComparison.Ordinal);
            if (!File.Exists(page))
                continue;
            var keys = Read(zh).Keys.ToHashSet(StringComparer.Ordinal);
            missing.AddRange(
                Key()
                    .Matches(File.ReadAllText(page))
                    .Select(m => m.Groups[1].Value)
                    .Where(k => !keys.Contains(k))
                    .Select(k => $"{Path.GetRelativePath(Api, page)} asks for {k}")
            );
        }
        Assert.Empty(missing);
    }

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Han();

    [GeneratedRegex("[A-Za-z]")]
    private static partial Regex Latin();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\bL\[""([^""{}]+)""")]
    private static partial Regex Key();
}
