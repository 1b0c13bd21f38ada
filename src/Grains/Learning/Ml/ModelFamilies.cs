namespace SelfDissonance.Learning.Ml;

/// <summary>The model families and hyper-parameter settings the learner chooses among by cross-validation.</summary>
public static class ModelFamilies
{
    public const string MaxEnt = "lbfgs-maxent";
    public const string LightGbm = "lightgbm";
    public const string Forest = "random-forest";

    /// <summary>Every setting offered for a task of this shape (forests only up to <see cref="RandomForestTrainer.MaxClasses"/> classes).</summary>
    public static IReadOnlyList<IModelTrainer> Candidates(ModelShape shape)
    {
        List<IModelTrainer> candidates =
        [
            new MaxEntTrainer(l2: 0.1f),
            new MaxEntTrainer(l2: 1f),
            new LightGbmTrainer(leaves: 4, iterations: 100),
            new LightGbmTrainer(leaves: 16, iterations: 100),
        ];
        if (shape.Classes <= RandomForestTrainer.MaxClasses)
        {
            candidates.Add(new RandomForestTrainer());
        }

        return candidates;
    }

    /// <summary>The trainer a lineage or learner state names; null when the name is not one offered now.</summary>
    public static IModelTrainer? Find(ModelShape shape, string? name) =>
        name is null ? null : Candidates(shape).FirstOrDefault(c => c.Name == name);

    /// <summary>When there is too little data to cross-validate: a linear proposer and a forest (or boosting) critic.</summary>
    public static (IModelTrainer Proposer, IModelTrainer Critic) Defaults(ModelShape shape) =>
        (new MaxEntTrainer(l2: 1f), shape.Classes <= RandomForestTrainer.MaxClasses ? new RandomForestTrainer() : new LightGbmTrainer(leaves: 4, iterations: 100));
}
