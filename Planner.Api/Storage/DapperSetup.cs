using System.Data;

namespace Planner.Api.Storage;

/// <summary>
/// One place for Dapper's global settings. SQLite has no date type, so dates travel as ISO-8601 text
/// there and as <c>date</c>/<c>timestamptz</c> on PostgreSQL; these handlers make both read back alike.
/// </summary>
internal static class DapperSetup
{
    private static int _done;

    public static void Ensure()
    {
        if (Interlocked.Exchange(ref _done, 1) == 1)
        {
            return;
        }
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
    }

    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override DateOnly Parse(object value) =>
            value switch
            {
                DateOnly d => d,
                DateTime t => DateOnly.FromDateTime(t),
                string s => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                _ => throw new DataException($"Cannot read a date from {value.GetType().Name}."),
            };

        public override void SetValue(IDbDataParameter parameter, DateOnly value)
        {
            if (parameter is Npgsql.NpgsqlParameter)
            {
                parameter.DbType = DbType.Date;
                parameter.Value = value;
            }
            else
            {
                parameter.DbType = DbType.String;
                parameter.Value = value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
        }
    }

    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override DateTimeOffset Parse(object value) =>
            value switch
            {
                DateTimeOffset d => d.ToUniversalTime(),
                DateTime t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
                string s => DateTimeOffset.Parse(
                    s,
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal
                ),
                _ => throw new DataException($"Cannot read a timestamp from {value.GetType().Name}."),
            };

        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            if (parameter is Npgsql.NpgsqlParameter)
            {
                parameter.Value = value.UtcDateTime;
            }
            else
            {
                parameter.DbType = DbType.String;
                parameter.Value = value.UtcDateTime.ToString(
                    "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'",
                    CultureInfo.InvariantCulture
                );
            }
        }
    }
}
