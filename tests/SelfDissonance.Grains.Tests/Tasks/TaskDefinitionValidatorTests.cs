using SelfDissonance.Tasks;

namespace SelfDissonance.Grains.Tests.Tasks;

public sealed class TaskDefinitionValidatorTests
{
    private static readonly string[] s_features = ["sepal_length", "sepal_width"];
    private static readonly string[] s_classes = ["setosa", "versicolor"];

    [Fact]
    public void A_good_definition_has_no_errors()
    {
        Assert.Empty(TaskDefinitionValidator.Validate("iris", s_features, s_classes));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("a\u0007")]
    public void A_bad_id_is_reported_on_the_id_field(string? id)
    {
        var error = Assert.Single(TaskDefinitionValidator.Validate(id, s_features, s_classes));

        Assert.Equal("id", error.Field);
        Assert.Equal(Ids.TaskIdRule, error.Allowed);
    }

    [Fact]
    public void A_too_long_id_is_refused()
    {
        Assert.Equal("id", Assert.Single(TaskDefinitionValidator.Validate(new string('a', 65), s_features, s_classes)).Field);
    }

    [Fact]
    public void An_id_ending_in_a_line_feed_is_refused()
    {
        Assert.Equal("id", Assert.Single(TaskDefinitionValidator.Validate("iris\n", s_features, s_classes)).Field);
    }

    [Fact]
    public void One_feature_is_enough()
    {
        Assert.Empty(TaskDefinitionValidator.Validate("t", ["x"], s_classes));
    }

    [Fact]
    public void One_thousand_twenty_four_features_are_accepted()
    {
        Assert.Empty(TaskDefinitionValidator.Validate("t", Names("f", 1024), s_classes));
    }

    [Fact]
    public void One_thousand_twenty_five_features_are_refused()
    {
        Assert.Equal("features", Assert.Single(TaskDefinitionValidator.Validate("t", Names("f", 1025), s_classes)).Field);
    }

    [Fact]
    public void No_features_are_refused()
    {
        Assert.Equal("features", Assert.Single(TaskDefinitionValidator.Validate("t", [], s_classes)).Field);
        Assert.Equal("features", Assert.Single(TaskDefinitionValidator.Validate("t", null, s_classes)).Field);
    }

    [Fact]
    public void A_duplicate_feature_is_refused()
    {
        var error = Assert.Single(TaskDefinitionValidator.Validate("t", ["x", "y", "x"], s_classes));

        Assert.Equal("features", error.Field);
        Assert.Contains("'x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Feature_names_differing_only_in_case_are_distinct()
    {
        Assert.Empty(TaskDefinitionValidator.Validate("t", ["x", "X"], s_classes));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("1x")]
    [InlineData("label")]
    [InlineData("split")]
    public void A_bad_feature_name_is_reported_at_its_index(string name)
    {
        var error = Assert.Single(TaskDefinitionValidator.Validate("t", ["ok", name], s_classes));

        Assert.Equal("features[1]", error.Field);
    }

    [Fact]
    public void Two_classes_are_accepted()
    {
        Assert.Empty(TaskDefinitionValidator.Validate("t", s_features, ["a", "b"]));
    }

    [Fact]
    public void One_hundred_classes_are_accepted()
    {
        Assert.Empty(TaskDefinitionValidator.Validate("t", s_features, Names("c", 100)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(101)]
    public void A_class_count_outside_two_to_one_hundred_is_refused(int count)
    {
        Assert.Equal("classes", Assert.Single(TaskDefinitionValidator.Validate("t", s_features, Names("c", count))).Field);
    }

    [Fact]
    public void Null_classes_are_refused()
    {
        Assert.Equal("classes", Assert.Single(TaskDefinitionValidator.Validate("t", s_features, null)).Field);
    }

    [Fact]
    public void A_duplicate_class_is_refused()
    {
        var error = Assert.Single(TaskDefinitionValidator.Validate("t", s_features, ["yes", "no", "yes"]));

        Assert.Equal("classes", error.Field);
        Assert.Contains("'yes'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" yes")]
    [InlineData("a/b")]
    [InlineData("tab\there")]
    public void A_bad_class_name_is_reported_at_its_index(string name)
    {
        var error = Assert.Single(TaskDefinitionValidator.Validate("t", s_features, ["ok", name]));

        Assert.Equal("classes[1]", error.Field);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var errors = TaskDefinitionValidator.Validate("a/b", [], ["only"]);

        Assert.Equal(["classes", "features", "id"], errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Class_index_is_the_position_in_the_definition()
    {
        var task = new TaskDefinition("t", [.. s_features], ["b", "a", "c"], DateTimeOffset.UnixEpoch);

        Assert.Equal(0, task.ClassIndex("b"));
        Assert.Equal(2, task.ClassIndex("c"));
        Assert.Equal(-1, task.ClassIndex("d"));
        Assert.Equal(2, task.FeatureCount);
        Assert.Equal(3, task.ClassCount);
    }

    private static string[] Names(string prefix, int count) => [.. Enumerable.Range(0, count).Select(i => $"{prefix}{i}")];
}
