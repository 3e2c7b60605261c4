using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Planner.Tests.Architecture;

/// <summary>
/// The source stays easy to read: no line over 120 characters (<c>.editorconfig</c>'s <c>max_line_length</c>) and no
/// function over 60 lines, outside algorithm code ported from elsewhere, which keeps the shape of its original.
/// </summary>
public class CodeLayoutTests
{
    private const int MaxLine = 120;
    private const int MaxFunction = 60;

    /// <summary>Ported algorithm code, kept in the shape of its source so that it can be checked against it.</summary>
    private static readonly string[] Ported = ["Planner.Solver/Flows/NetworkSimplex.cs"];

    private static string Repository => Path.GetFullPath(Path.Combine(TestPlanner.DataDirectory, ".."));

    /// <summary>The tracked source files (C#, Razor and SQL) of the solution's projects.</summary>
    private static IEnumerable<string> Sources(params string[] extensions) =>
        Directory
            .EnumerateDirectories(Repository, "Planner.*")
            .SelectMany(project => Directory.EnumerateFiles(project, "*", SearchOption.AllDirectories))
            .Where(f => extensions.Contains(Path.GetExtension(f)))
            .Where(f =>
                !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains(
                    $"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}",
                    StringComparison.Ordinal
                )
            );

    private static string Relative(string path) => Path.GetRelativePath(Repository, path).Replace('\\', '/');

    [Fact]
    public void Sources_HaveNoLineOver120Characters()
    {
        var long_ = Sources(".cs", ".cshtml", ".sql")
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Relative(f), Line: i + 1, line.Length)))
            .Where(l => l.Length > MaxLine)
            .ToList();

        Assert.True(
            long_.Count == 0,
            $"{long_.Count} lines over {MaxLine} characters, e.g.:\n"
                + string.Join("\n", long_.Take(20).Select(l => $"{l.File}:{l.Line} ({l.Length})"))
        );
    }

    [Fact]
    public void Functions_AreAtMost60Lines_OutsidePortedAlgorithms()
    {
        var long_ = Sources(".cs")
            .Where(f => !Ported.Contains(Relative(f)))
            .SelectMany(f => Functions(File.ReadAllText(f)).Select(x => (File: Relative(f), x.Name, x.Line, x.Lines)))
            .Where(x => x.Lines > MaxFunction)
            .ToList();
        Assert.True(
            long_.Count == 0,
            $"{long_.Count} functions over {MaxFunction} lines:\n"
                + string.Join("\n", long_.Select(x => $"{x.File}:{x.Line} {x.Name} ({x.Lines} lines)"))
        );
    }

    /// <summary>The plan reads as a short story: the data-flow diagram of DESIGN.md, step by step.</summary>
    [Fact]
    public void PlanPipelineRunAsync_IsAtMost40Lines()
    {
        var pipeline = File.ReadAllText(Path.Combine(Repository, "Planner.Api", "Runs", "PlanPipeline.cs"));
        var run = Functions(pipeline).Single(f => f.Name == "RunAsync");
        Assert.True(run.Lines <= 40, $"PlanPipeline.RunAsync has {run.Lines} lines (at most 40)");
    }

    [Fact]
    public void Functions_CountsTheLinesOfEachBody()
    {
        const string code = """
            class C
            {
                void Short() { }

                int Long()
                {
                    int Local(int x)
                    {
                        return x;
                    }
                    return Local(1);
                }
            }
            """;

        Assert.Equal([("Short", 1), ("Long", 8), ("Local", 4)], Functions(code).Select(f => (f.Name, f.Lines)));
    }

    /// <summary>Every method, constructor, accessor, operator and local function with its first line and length in
    /// lines.</summary>
    private static IEnumerable<(string Name, int Line, int Lines)> Functions(string code)
    {
        var root = CSharpSyntaxTree.ParseText(code).GetRoot();
        foreach (var node in root.DescendantNodes())
        {
            (string Name, SyntaxNode? Body) function = node switch
            {
                MethodDeclarationSyntax m => (m.Identifier.Text, (SyntaxNode?)m.Body ?? m.ExpressionBody),
                ConstructorDeclarationSyntax c => (c.Identifier.Text, (SyntaxNode?)c.Body ?? c.ExpressionBody),
                LocalFunctionStatementSyntax l => (l.Identifier.Text, (SyntaxNode?)l.Body ?? l.ExpressionBody),
                AccessorDeclarationSyntax a => (a.Keyword.Text, (SyntaxNode?)a.Body ?? a.ExpressionBody),
                OperatorDeclarationSyntax o => (o.OperatorToken.Text, (SyntaxNode?)o.Body ?? o.ExpressionBody),
                _ => ("", null),
            };
            if (function.Body is null)
                continue;
            var span = node.GetLocation().GetLineSpan();
            yield return (
                function.Name,
                span.StartLinePosition.Line + 1,
                span.EndLinePosition.Line - span.StartLinePosition.Line + 1
            );
        }
    }
}
