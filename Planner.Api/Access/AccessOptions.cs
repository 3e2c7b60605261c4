using Planner.Api.Localization;

namespace Planner.Api.Access;

/// <summary>Sign-in settings (<c>Planner:Access:*</c>).</summary>
public sealed class AccessOptions
{
    public const string Section = "Planner:Access";

    /// <summary>
    /// Failed sign-ins allowed for one user name within the window (default 5): more typos than a person makes
    /// before stopping to look (and a success forgets them), while someone guessing one name gets 5 tries per
    /// 5 minutes, about 1,400 a day, against a password of at least 10 characters.
    /// </summary>
    public int SignInFailuresPerUser { get; set; } = 5;

    /// <summary>
    /// Failed sign-ins allowed from one address within the window (default 30): the staff of a command centre
    /// share one address, and a typo or two each at a change of shift stays under it, while one address trying
    /// many user names (each under its own limit) is held to 30 guesses per 5 minutes.
    /// </summary>
    public int SignInFailuresPerAddress { get; set; } = 30;

    /// <summary>How long a failure counts (default 300 s): the longest a locked-out person waits.</summary>
    public int SignInFailureWindowSeconds { get; set; } = 300;

    /// <summary>Whether an embedded node creates the sample users on first start (default true; never in server
    /// mode).</summary>
    public bool SampleUsers { get; set; } = true;

    /// <summary>The setting before issue 17, which counted successes too; refused so that a deployed value is not
    /// silently ignored.</summary>
    public int? SignInAttemptsPerMinute { get; set; }

    public TimeSpan SignInFailureWindow => TimeSpan.FromSeconds(SignInFailureWindowSeconds);

    internal sealed class Validator : IValidateOptions<AccessOptions>
    {
        public ValidateOptionsResult Validate(string? name, AccessOptions o)
        {
            var failures = new List<string>();
            if (o.SignInAttemptsPerMinute is not null)
            {
                failures.Add(SettingErrors.Get("SignInAttempts", Section));
            }
            foreach (
                var (key, value) in new[]
                {
                    ("SignInFailuresPerUser", o.SignInFailuresPerUser),
                    ("SignInFailuresPerAddress", o.SignInFailuresPerAddress),
                    ("SignInFailureWindowSeconds", o.SignInFailureWindowSeconds),
                }
            )
            {
                if (value < 1)
                    failures.Add(SettingErrors.Get("WholeNumber", $"{Section}:{key}", value));
            }
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
