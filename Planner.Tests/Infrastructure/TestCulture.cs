using System.Runtime.CompilerServices;

namespace Planner.Tests.Infrastructure;

/// <summary>
/// Runs every test under the invariant culture, so number and date formatting in tests (and in the code
/// they call) does not depend on the machine's locale.
/// </summary>
internal static class TestCulture
{
    [ModuleInitializer]
    internal static void UseInvariantCulture()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
    }
}
