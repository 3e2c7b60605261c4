using System.Text;
using System.Text.RegularExpressions;

namespace Planner.Tests.Uploads;

/// <summary>
/// One random change to an xlsx package, for <see cref="UploadGuardTests"/>: bytes flipped or the file cut short, an
/// XML span of a part deleted or repeated, a token or attribute value that breaks things, a part renamed, removed or
/// swapped with another, a relationship broken. The same <see cref="Random"/> gives the same changes.
/// </summary>
internal sealed class PackageMutation
{
    /// <summary>Tokens inserted anywhere in a part.</summary>
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

    /// <summary>Values an attribute is set to.</summary>
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

    private readonly byte[] _file;
    private readonly Random _random;
    private readonly Dictionary<string, string> _parts;
    private readonly List<string> _names;

    /// <summary>The part the change is made in, and its text.</summary>
    private readonly string _name;
    private readonly string _text;

    private PackageMutation(byte[] file, Random random)
    {
        _file = file;
        _random = random;
        _parts = UploadFiles.Parts(file);
        _names = _parts.Keys.Order(StringComparer.Ordinal).ToList();
        _name = _names[random.Next(_names.Count)];
        _text = _parts[_name];
    }

    /// <summary>One change to <paramref name="file"/>, drawn from <paramref name="random"/>: what was done, and the
    /// file.</summary>
    public static (string What, byte[] File) Of(byte[] file, Random random)
    {
        var mutation = new PackageMutation(file, random);
        return random.Next(11) switch
        {
            0 => ("bytes flipped", mutation.FlipBytes()),
            1 => ("cut short", file[..random.Next(file.Length)]),
            2 => mutation.DeleteSpan(),
            3 => mutation.RepeatSpan(),
            4 => mutation.InsertToken(),
            5 => mutation.SetAttribute(),
            6 => mutation.RenameInCapitals(),
            7 => mutation.Remove(),
            8 => mutation.BreakARelationship(),
            9 => mutation.Swap(),
            _ => mutation.ChangeBytes(),
        };
    }

    private byte[] FlipBytes()
    {
        var flipped = (byte[])_file.Clone();
        for (var i = _random.Next(1, 9); i > 0; i--)
        {
            flipped[_random.Next(flipped.Length)] ^= (byte)_random.Next(1, 256);
        }
        return flipped;
    }

    private (string, byte[]) DeleteSpan()
    {
        var start = _random.Next(_text.Length);
        return Changed(_text.Remove(start, Math.Min(_text.Length - start, _random.Next(1, 60))), "span deleted in");
    }

    private (string, byte[]) RepeatSpan()
    {
        var from = _random.Next(_text.Length);
        var span = _text.Substring(from, Math.Min(_text.Length - from, _random.Next(1, 400)));
        return Changed(_text.Insert(_random.Next(_text.Length), span), "span repeated in");
    }

    private (string, byte[]) InsertToken()
    {
        var token = Tokens[_random.Next(Tokens.Length)];
        return Changed(_text.Insert(_random.Next(_text.Length), token), $"'{token}' inserted in");
    }

    /// <summary>An attribute's value set to one of <see cref="Values"/>; a part with no attributes has its bytes
    /// changed instead.</summary>
    private (string, byte[]) SetAttribute()
    {
        var attributes = Regex.Matches(_text, "=\"[^\"]*\"");
        if (attributes.Count == 0)
            return ChangeBytes();
        var attribute = attributes[_random.Next(attributes.Count)];
        var value = Values[_random.Next(Values.Length)];
        return Changed(
            _text.Remove(attribute.Index, attribute.Length).Insert(attribute.Index, $"=\"{value}\""),
            $"attribute {attribute.Value} set to '{value}' in"
        );
    }

    /// <summary>The part copied under its name in capitals, the original removed half the time.</summary>
    private (string, byte[]) RenameInCapitals()
    {
        _parts[_name.ToUpperInvariant()] = _text;
        if (_random.Next(2) == 0)
            _parts.Remove(_name);
        return ($"{_name} renamed in capitals", UploadFiles.Zip(_parts));
    }

    private (string, byte[]) Remove()
    {
        _parts.Remove(_name);
        return ($"{_name} removed", UploadFiles.Zip(_parts));
    }

    /// <summary>A hyperlink to a bad address or a missing part added to one of the relationship parts.</summary>
    private (string, byte[]) BreakARelationship()
    {
        var rels = _names.Where(n => n.EndsWith(".rels", StringComparison.Ordinal)).ToList();
        var target = rels[_random.Next(rels.Count)];
        var broken =
            _random.Next(2) == 0
                ? """Target="http://[::1 bad" TargetMode="External" """
                : """Target="../missing/part.xml" """;
        const string Hyperlink = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink";
        UploadFiles.InsertBefore(
            _parts,
            target,
            "</Relationships>",
            $"""<Relationship Id="rIdX" Type="{Hyperlink}" {broken}/>"""
        );
        return ($"broken relationship added to {target}", UploadFiles.Zip(_parts));
    }

    private (string, byte[]) Swap()
    {
        var other = _names[_random.Next(_names.Count)];
        (_parts[_name], _parts[other]) = (_parts[other], _parts[_name]);
        return ($"{_name} and {other} swapped", UploadFiles.Zip(_parts));
    }

    private (string, byte[]) ChangeBytes()
    {
        var bytes = Encoding.UTF8.GetBytes(_text);
        for (var i = _random.Next(1, 5); i > 0 && bytes.Length > 0; i--)
        {
            bytes[_random.Next(bytes.Length)] = (byte)_random.Next(256);
        }
        return Changed(Encoding.UTF8.GetString(bytes), "bytes changed in");
    }

    /// <summary>The package with the part's text replaced, and what was done to which part.</summary>
    private (string, byte[]) Changed(string text, string what)
    {
        _parts[_name] = text;
        return ($"{what} {_name}", UploadFiles.Zip(_parts));
    }
}
