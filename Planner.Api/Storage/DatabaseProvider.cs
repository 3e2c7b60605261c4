namespace Planner.Api.Storage;

/// <summary>The two databases Planner runs on: an embedded SQLite file, or a PostgreSQL server.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
