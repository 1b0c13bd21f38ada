namespace SelfDissonance.Models;

public static class ModelRoles
{
    public static string ToWire(this ModelRole role) => role switch
    {
        ModelRole.Proposer => "proposer",
        ModelRole.Critic => "critic",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static bool TryParse(string? value, out ModelRole role)
    {
        switch (value)
        {
            case "proposer":
                role = ModelRole.Proposer;
                return true;
            case "critic":
                role = ModelRole.Critic;
                return true;
            default:
                role = default;
                return false;
        }
    }

    /// <summary>The registry grain key: one registry per task and role.</summary>
    public static string RegistryKey(string taskId, ModelRole role) => $"{taskId}/{role.ToWire()}";
}
