using System.Reflection;

namespace SelfDissonance.Learning.Ml;

/// <summary>
/// ML.NET's FastTree-family trainers call <c>GC.Collect(2, Forced)</c> twice at the start of every fit, guarded only by
/// a protected readonly <c>AllowGC</c> field that no option reaches (dotnet/machinelearning#4135; a workaround for .NET
/// Framework 4.6). In a silo each of those is a blocking full collection of the whole heap, so every request in flight
/// stalls for it: a learning cycle's critic fits stopped serving for hundreds of milliseconds at a time. This turns the
/// field off on one trainer instance, and fails loudly if an ML.NET upgrade renames it.
/// </summary>
internal static class FastTreeInducedGc
{
    private const string FieldName = "AllowGC";

    public static T Disable<T>(T trainer)
        where T : class
    {
        for (var type = trainer.GetType(); type is not null; type = type.BaseType)
        {
            var field = type.GetField(FieldName, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
            if (field?.FieldType == typeof(bool))
            {
                field.SetValue(trainer, false);
                return trainer;
            }
        }

        throw new InvalidOperationException($"{trainer.GetType().FullName} has no {FieldName} field: ML.NET changed; check whether its fits still force full collections.");
    }
}
