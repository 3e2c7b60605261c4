using Microsoft.Extensions.Configuration;
using Planner.Api.Configuration;
using Planner.Api.Planning;
using Planner.Api.Storage;
using Planner.Api.Runs;

namespace Planner.Tests.Infrastructure;

/// <summary>Planner settings and a pipeline pointed at one <see cref="TestDatabase"/> and the repository's data folder.</summary>
public static class TestPlanner
{
    public static PlannerSettings Settings(TestDatabase db, params (string Key, string Value)[] extra)
    {
        var values = new Dictionary<string, string?>
        {
            // SQLite: the planner database is LocalDirectory/planner.db, the very file the TestDatabase names.
            ["Planner:LocalDirectory"] = db.Directory,
        };
        if (db.Provider == DatabaseProvider.Postgres)
        {
            values["ConnectionStrings:Planner"] = db.ConnectionString;
        }
        foreach (var (key, value) in extra)
        {
            values[key] = value;
        }
        return PlannerSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }

    public static PlanPipeline Pipeline(PlannerSettings settings, List<string>? log = null) =>
        new(settings, TimeProvider.System, message => log?.Add(message));
}
