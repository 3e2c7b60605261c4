using System.Text.Json;

namespace Planner.Api.Maps;

/// <summary>
/// The counties' outlines (<c>data/zhejiang-counties.geojson</c>), read once: each county's rings of lon/lat points,
/// and which city it belongs to.
/// </summary>
public sealed class CountyShapes
{
    /// <summary>One county: code, name, city code and its rings (lon, lat).</summary>
    public sealed record County(
        string Code,
        string Name,
        string City,
        IReadOnlyList<IReadOnlyList<(double Lon, double Lat)>> Rings
    );

    public IReadOnlyList<County> Counties { get; }

    public CountyShapes(IReadOnlyList<County> counties) => Counties = counties;

    public const string File = "zhejiang-counties.geojson";

    /// <summary>The shapes in <paramref name="path"/>; a missing or unreadable file is an error naming it.</summary>
    public static CountyShapes Read(string path)
    {
        ReferenceData.CsvFile.EnsureExists(path);
        using var document = JsonDocument.Parse(System.IO.File.ReadAllBytes(path));
        var counties = new List<County>();
        foreach (var feature in document.RootElement.GetProperty("features").EnumerateArray())
        {
            var properties = feature.GetProperty("properties");
            var geometry = feature.GetProperty("geometry");
            var polygons =
                geometry.GetProperty("type").GetString() == "MultiPolygon"
                    ? geometry.GetProperty("coordinates").EnumerateArray().ToList()
                    : [geometry.GetProperty("coordinates")];
            var rings = polygons
                .SelectMany(p => p.EnumerateArray())
                .Select(r =>
                    (IReadOnlyList<(double, double)>)
                        r.EnumerateArray().Select(pt => (pt[0].GetDouble(), pt[1].GetDouble())).ToList()
                )
                .ToList();
            counties.Add(
                new County(
                    properties.GetProperty("code").GetString()!,
                    properties.GetProperty("name").GetString()!,
                    properties.GetProperty("city").GetString()!,
                    rings
                )
            );
        }
        return new CountyShapes(counties);
    }
}

/// <summary>The county map's services.</summary>
public static class MapSetup
{
    /// <summary>The shapes, read from the data folder when first needed, and the map drawn from them.</summary>
    public static IServiceCollection AddCountyMap(this IServiceCollection services) =>
        services
            .AddSingleton(sp =>
                CountyShapes.Read(
                    Path.Combine(
                        sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory,
                        CountyShapes.File
                    )
                )
            )
            .AddScoped<SituationMap>();
}
