using SelfDissonance.Policy;

namespace SelfDissonance.Grains.Tests.Policy;

public sealed class PolicyPatchTests
{
    [Fact]
    public void An_empty_patch_changes_nothing()
    {
        var current = TaskPolicy.Default with { Lambda = 0.03, MinBatch = 10 };

        Assert.Equal(current, new PolicyPatch().ApplyTo(current));
    }

    [Fact]
    public void A_patch_changes_only_the_given_fields()
    {
        var current = TaskPolicy.Default with { Lambda = 0.03, OodZMax = 4 };

        var patched = new PolicyPatch { DTarget = 0.2, DBudgetPerHour = 7 }.ApplyTo(current);

        Assert.Equal(current with { DTarget = 0.2, DBudgetPerHour = 7 }, patched);
        Assert.Equal(0.03, patched.Lambda);
        Assert.Equal(4, patched.OodZMax);
    }

    [Fact]
    public void Each_field_of_a_patch_reaches_its_own_policy_field()
    {
        var patch = new PolicyPatch
        {
            DTarget = 0.11,
            MaxDissonance = 0.61,
            Lambda = 0.01,
            LambdaMax = 0.07,
            KlEps = 0.03,
            DBudgetPerHour = 5,
            MinBatch = 9,
            GoldenTolerance = 0.002,
            CanaryFraction = 0.1,
            RollbackDrop = 0.02,
            OodZMax = 3,
            Eta = 0.25,
        };

        var p = patch.ApplyTo(TaskPolicy.Default);

        Assert.Equal(0.11, p.DTarget);
        Assert.Equal(0.61, p.MaxDissonance);
        Assert.Equal(0.01, p.Lambda);
        Assert.Equal(0.07, p.LambdaMax);
        Assert.Equal(0.03, p.KlEps);
        Assert.Equal(5, p.DBudgetPerHour);
        Assert.Equal(9, p.MinBatch);
        Assert.Equal(0.002, p.GoldenTolerance);
        Assert.Equal(0.1, p.CanaryFraction);
        Assert.Equal(0.02, p.RollbackDrop);
        Assert.Equal(3, p.OodZMax);
        Assert.Equal(0.25, p.Eta);
    }

    [Fact]
    public void A_patch_does_not_modify_the_policy_it_is_applied_to()
    {
        var current = TaskPolicy.Default;

        _ = new PolicyPatch { Eta = 2 }.ApplyTo(current);

        Assert.Equal(0.5, current.Eta);
    }
}
