using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Npgsql;
using Planner.Api.Localization;

namespace Planner.Api.Access;

/// <summary>The three roles (DESIGN §1).</summary>
public static class Roles
{
    public const string Planner = "planner";
    public const string Logistics = "logistics";
    public const string Hospital = "hospital";

    public static readonly string[] All = [Planner, Logistics, Hospital];
}

/// <summary>
/// A person who signs in: a planner (everything), a logistics officer (the province when <see cref="CityCode"/>
/// is null, else one city) or a hospital administrator (<see cref="Hospitals"/>).
/// </summary>
public sealed record PlannerUser(
    string UserName,
    string DisplayName,
    string Role,
    string? CityCode,
    IReadOnlyList<string> Hospitals
)
{
    /// <summary>The language the user chose (zh-CN or en); null until they choose.</summary>
    public string? Language { get; init; }
}

/// <summary>Users, their passwords (ASP.NET Core's PBKDF2 password hasher) and their API keys.</summary>
public static class Users
{
    private static readonly PasswordHasher<string> Hasher = new();

    private const string UserSql = """
        SELECT user_name AS UserName, display_name AS DisplayName, role AS Role, city_code AS CityCode, password_hash AS
        PasswordHash, language AS Language FROM users
        """;

    /// <summary>
    /// A user name in any case finds its user: the same expression as the unique index of migration 0011, so the
    /// lookup uses it. SQLite's lower() folds A-Z only, and <see cref="Check"/> keeps other cased letters out of
    /// new names, so both databases match alike.
    /// </summary>
    private const string ByName = "WHERE lower(user_name) = lower(@userName)";

    /// <summary>
    /// The user, when the password is theirs; null otherwise (an unknown name costs a hash too, so timing does
    /// not tell which names exist).
    /// </summary>
    public static async Task<PlannerUser?> VerifyPasswordAsync(DbConnection db, string userName, string password)
    {
        var row = await db.QuerySingleOrDefaultAsync<UserRow>($"{UserSql} {ByName}", new { userName });
        var verdict = Hasher.VerifyHashedPassword(row?.UserName ?? "", row?.PasswordHash ?? DummyHash, password);
        return row is not null && verdict != PasswordVerificationResult.Failed
            ? await WithHospitalsAsync(db, row)
            : null;
    }

    /// <summary>Saves the language the user chose with the switch.</summary>
    public static Task SaveLanguageAsync(DbConnection db, string userName, string language) =>
        db.ExecuteAsync($"UPDATE users SET language = @language {ByName}", new { userName, language });

    /// <summary>The user holding an API key that is not revoked, or null.</summary>
    public static async Task<PlannerUser?> FindByApiKeyAsync(DbConnection db, string key)
    {
        var row = await db.QuerySingleOrDefaultAsync<UserRow>(
            $"""
            {UserSql} WHERE user_name = (SELECT k.user_name FROM api_keys k WHERE k.key_sha256 = @sha
            AND k.revoked_at IS NULL)
            """,
            new { sha = Sha256(key) }
        );
        return row is null ? null : await WithHospitalsAsync(db, row);
    }

    /// <summary>The user, whatever the case of <paramref name="userName"/>, or null.</summary>
    public static async Task<PlannerUser?> FindAsync(DbConnection db, string userName) =>
        await db.QuerySingleOrDefaultAsync<UserRow>($"{UserSql} {ByName}", new { userName }) is { } row
            ? await WithHospitalsAsync(db, row)
            : null;

    /// <summary>
    /// Adds a user, or replaces one of the same name (role, scope and password), in one transaction. A name that
    /// differs from an existing one only in case is refused: it would sign in as that user.
    /// </summary>
    public static async Task SaveAsync(DbConnection db, PlannerUser user, string password, DateTimeOffset now)
    {
        Check(user, password);
        var cityKnown =
            user.CityCode is null
            || await db.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM regions WHERE code = @code AND level = 'city'",
                new { code = user.CityCode }
            ) == 1;
        if (!cityKnown)
            throw new PlannerException(Messages.Get("NoCity", user.CityCode!));
        await using var tx = await db.BeginTransactionAsync();
        var existing = await db.QuerySingleOrDefaultAsync<string>(
            $"SELECT user_name FROM users {ByName}",
            new { userName = user.UserName },
            tx
        );
        if (existing is not null && existing != user.UserName)
            throw CaseClash(user.UserName, existing);
        try
        {
            await InsertOrReplaceAsync(db, tx, user, password, now);
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            // Another session added the same name in another case between the check above and this insert.
            throw CaseClash(user.UserName, null);
        }
        await tx.CommitAsync();
    }

    private static async Task InsertOrReplaceAsync(
        DbConnection db,
        DbTransaction tx,
        PlannerUser user,
        string password,
        DateTimeOffset now
    )
    {
        await db.ExecuteAsync(
            """
            INSERT INTO users (user_name, display_name, role, city_code, password_hash, created_at)
            VALUES (@UserName, @DisplayName, @Role, @CityCode, @hash, @now)
            ON CONFLICT (user_name) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
                city_code = excluded.city_code, password_hash = excluded.password_hash
            """,
            new
            {
                user.UserName,
                user.DisplayName,
                user.Role,
                user.CityCode,
                hash = Hasher.HashPassword(user.UserName, password),
                now,
            },
            tx
        );
        await db.ExecuteAsync("DELETE FROM user_hospitals WHERE user_name = @UserName", new { user.UserName }, tx);
        await db.ExecuteAsync(
            "INSERT INTO user_hospitals (user_name, hospital_code) VALUES (@user, @hospital)",
            user.Hospitals.Distinct(StringComparer.Ordinal).Select(h => new { user = user.UserName, hospital = h }),
            tx
        );
    }

    private static PlannerException CaseClash(string userName, string? existing) =>
        new(
            existing is null
                ? Messages.Get("CaseClashUnknown", userName)
                : Messages.Get("CaseClash", existing, userName)
        );

    /// <summary>The unique index on lower(user_name) refused a row (SQLITE_CONSTRAINT_UNIQUE, or 23505).</summary>
    private static bool IsUniqueViolation(DbException e) =>
        e
            is SqliteException { SqliteExtendedErrorCode: 2067 }
                or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>Makes a new API key for the user and returns it; only its hash is kept, so it is shown once.</summary>
    public static async Task<string> CreateApiKeyAsync(
        DbConnection db,
        string userName,
        string label,
        DateTimeOffset now
    )
    {
        // The key belongs to the name as stored (the one api_keys refers to), whatever case it was asked for in.
        var user = await FindAsync(db, userName) ?? throw new PlannerException(Messages.Get("NoUser", userName));
        var key = "pk_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        await db.ExecuteAsync(
            "INSERT INTO api_keys (id, user_name, key_sha256, label, created_at) "
                + "VALUES (@id, @userName, @sha, @label, @now)",
            new
            {
                id = "key-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
                userName = user.UserName,
                sha = Sha256(key),
                label,
                now,
            }
        );
        return key;
    }

    /// <summary>
    /// On first start in embedded mode: one sample user per role and scope, so that the application can be tried
    /// at once (the README lists them). Does nothing once any user exists.
    /// </summary>
    public static async Task<bool> AddSamplesIfNoneAsync(DbConnection db, DateTimeOffset now)
    {
        if (await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users") > 0)
            return false;
        foreach (var (user, password) in Samples)
        {
            await SaveAsync(db, user, password, now);
        }
        return true;
    }

    /// <summary>The sample users and their passwords (README, "Signing in").</summary>
    public static readonly (PlannerUser User, string Password)[] Samples =
    [
        (new PlannerUser("planner", "省指挥部计划员（示例）", Roles.Planner, null, []), "planner-2020"),
        (new PlannerUser("province", "省物资保障组调度员（示例）", Roles.Logistics, null, []), "province-2020"),
        (new PlannerUser("hangzhou", "杭州市物资保障组调度员（示例）", Roles.Logistics, "330100", []), "hangzhou-2020"),
        (new PlannerUser("ningbo", "宁波市物资保障组调度员（示例）", Roles.Logistics, "330200", []), "ningbo-2020"),
        (new PlannerUser("wenzhou", "温州市物资保障组调度员（示例）", Roles.Logistics, "330300", []), "wenzhou-2020"),
        (
            new PlannerUser(
                "hospital",
                "医院管理员，H-0001、H-0002（示例）",
                Roles.Hospital,
                null,
                ["H-0001", "H-0002"]
            ),
            "hospital-2020"
        ),
    ];

    /// <summary>The sample users' names.</summary>
    public static IReadOnlyList<string> SampleNames => Samples.Select(s => s.User.UserName).ToList();

    private static void Check(PlannerUser user, string password)
    {
        if (
            string.IsNullOrWhiteSpace(user.UserName)
            || user.UserName.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
        )
            throw new PlannerException(Messages.Get("UserNameEmpty"));
        // Names are matched without regard to case, and SQLite's lower() folds A-Z only: another letter with a
        // case would match one way on SQLite and another on PostgreSQL. Letters without case (Chinese) are fine.
        var cased = user
            .UserName.Where(c => c > '\u007f' && char.ToUpperInvariant(c) != char.ToLowerInvariant(c))
            .Distinct()
            .ToList();
        if (cased.Count > 0)
            throw new PlannerException(Messages.Get("UserNameCased", user.UserName, string.Join(", ", cased)));
        if (!Roles.All.Contains(user.Role))
            throw new PlannerException(Messages.Get("BadRole", user.Role));
        if (user.CityCode is not null && user.Role != Roles.Logistics)
            throw new PlannerException(Messages.Get("CityOnlyLogistics"));
        if (user.Hospitals.Count > 0 && user.Role != Roles.Hospital)
            throw new PlannerException(Messages.Get("HospitalsOnlyHospital"));
        if (user.Role == Roles.Hospital && user.Hospitals.Count == 0)
            throw new PlannerException(Messages.Get("HospitalNeedsOne"));
        if (password.Length < 10)
            throw new PlannerException(Messages.Get("PasswordShort"));
    }

    private static async Task<PlannerUser> WithHospitalsAsync(DbConnection db, UserRow row)
    {
        var hospitals = (
            await db.QueryAsync<string>(
                "SELECT hospital_code FROM user_hospitals WHERE user_name = @UserName ORDER BY hospital_code",
                new { row.UserName }
            )
        ).ToList();
        return new PlannerUser(row.UserName, row.DisplayName, row.Role, row.CityCode, hospitals)
        {
            Language = row.Language,
        };
    }

    private static string Sha256(string key) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Verified against when the user name is unknown, so that the answer takes as long.</summary>
    private static readonly string DummyHash = Hasher.HashPassword(
        "",
        Convert.ToHexString(RandomNumberGenerator.GetBytes(16))
    );

    private sealed class UserRow
    {
        public string UserName { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string Role { get; set; } = "";
        public string? CityCode { get; set; }
        public string PasswordHash { get; set; } = "";
        public string? Language { get; set; }
    }
}
