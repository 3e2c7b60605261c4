using System.Reflection;
using System.Reflection.Emit;

namespace Planner.Tests.Architecture;

/// <summary>
/// The namespaces inside Planner.Api form a directed acyclic graph: a folder may use the folders below it, never one
/// that uses it back. The graph is read from the compiled assembly (signatures and the IL of every method, lambdas and
/// async state machines counted with the type that declares them), so a reference the source hides behind a
/// fully qualified name counts as well as a <c>using</c>.
/// </summary>
public class NamespaceGraphTests
{
    private const string Root = "Planner.Api.";

    [Fact]
    public void PlannerApi_Namespaces_HaveNoCycle()
    {
        var graph = Graph(typeof(Planner.Api.PlannerException).Assembly);

        var cycles = Cycles(graph).Select(c => string.Join(" → ", c.Append(c[0]))).ToList();

        Assert.True(cycles.Count == 0, $"Namespace cycles in Planner.Api:\n{string.Join("\n", cycles)}");
        // The graph is not empty: the test reads real references (the pipeline uses the planning model).
        Assert.Contains("Planning", graph["Runs"]);
    }

    [Fact]
    public void Cycles_AreFound_AndNamed()
    {
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A"],
            ["D"] = ["A"],
        };

        Assert.Equal(
            [
                ["A", "B", "C"],
            ],
            Cycles(graph)
        );
    }

    /// <summary>Namespace (without "Planner.Api.") → the namespaces its types use.</summary>
    private static Dictionary<string, HashSet<string>> Graph(Assembly assembly)
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            if (NamespaceOf(type) is not { } from)
                continue;
            var edges = graph.TryGetValue(from, out var found)
                ? found
                : graph[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var used in Used(type).Select(NamespaceOf).OfType<string>().Where(n => n != from))
                edges.Add(used);
        }
        return graph;
    }

    /// <summary>The namespace a type counts for: its outermost declaring type's, if under Planner.Api.</summary>
    private static string? NamespaceOf(Type type)
    {
        while (type.IsNested)
            type = type.DeclaringType!;
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
            type = type.GetGenericTypeDefinition();
        return type.Namespace is { } ns && ns.StartsWith(Root, StringComparison.Ordinal)
            ? ns[Root.Length..].Split('.')[0]
            : null;
    }

    private const BindingFlags Everything =
        BindingFlags.Public
        | BindingFlags.NonPublic
        | BindingFlags.Instance
        | BindingFlags.Static
        | BindingFlags.DeclaredOnly;

    /// <summary>Every type <paramref name="type"/> names: base, interfaces, members' signatures, and its methods'
    /// IL.</summary>
    private static IEnumerable<Type> Used(Type type)
    {
        var used = new List<Type>();
        if (type.BaseType is { } baseType)
            used.Add(baseType);
        used.AddRange(type.GetInterfaces());
        used.AddRange(type.GetFields(Everything).Select(f => f.FieldType));
        used.AddRange(type.GetProperties(Everything).Select(p => p.PropertyType));
        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            if (method is MethodInfo info)
                used.Add(info.ReturnType);
            used.AddRange(method.GetParameters().Select(p => p.ParameterType));
            used.AddRange(FromIl(method));
        }
        return used.SelectMany(Expand);
    }

    /// <summary>A type with its generic arguments and element types.</summary>
    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        if (type.HasElementType)
            foreach (var t in Expand(type.GetElementType()!))
                yield return t;
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            foreach (var t in type.GetGenericArguments().SelectMany(Expand))
                yield return t;
        }
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The declaring and named types of every member and type token in a method's IL.</summary>
    private static IEnumerable<Type> FromIl(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
            yield break;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length; )
        {
            var code = il[i] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[i + 1])] : OpCodesByValue[il[i]];
            i += code.Size;
            if (
                code.OperandType
                is OperandType.InlineMethod
                    or OperandType.InlineField
                    or OperandType.InlineType
                    or OperandType.InlineTok
            )
            {
                var member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                switch (member)
                {
                    case Type t:
                        yield return t;
                        break;
                    case MethodBase m:
                        if (m.DeclaringType is { } declaring)
                            yield return declaring;
                        if (m is MethodInfo { IsGenericMethod: true } generic)
                            foreach (var a in generic.GetGenericArguments())
                                yield return a;
                        break;
                    case FieldInfo f:
                        if (f.DeclaringType is { } owner)
                            yield return owner;
                        break;
                }
            }
            i += OperandSize(code.OperandType, il, i);
        }
    }

    private static int OperandSize(OperandType type, byte[] il, int at) =>
        type switch
        {
            OperandType.InlineNone => 0,
            OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
            OperandType.InlineVar => 2,
            OperandType.InlineI8 or OperandType.InlineR => 8,
            OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
            _ => 4,
        };

    /// <summary>The cycles of a graph (its strongly connected components of more than one namespace), each
    /// sorted.</summary>
    private static List<List<string>> Cycles(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var cycles = new List<List<string>>();
        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
            if (!index.ContainsKey(node))
                Visit(node);
        return cycles;

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (!index.TryGetValue(next, out var seen))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (stack.Contains(next))
                {
                    low[node] = Math.Min(low[node], seen);
                }
            }
            if (low[node] != index[node])
                return;
            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                component.Add(member);
            } while (member != node);
            if (component.Count > 1)
                cycles.Add(component.Order(StringComparer.Ordinal).ToList());
        }
    }
}
