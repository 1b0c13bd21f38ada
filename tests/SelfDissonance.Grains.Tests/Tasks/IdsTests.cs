namespace SelfDissonance.Grains.Tests.Tasks;

public sealed class IdsTests
{
    [Theory]
    [InlineData("iris")]
    [InlineData("a")]
    [InlineData("7")]
    [InlineData("Task-1_b")]
    public void Good_task_ids_are_accepted(string id)
    {
        Assert.True(Ids.IsValidTaskId(id));
    }

    [Fact]
    public void A_task_id_of_64_characters_is_accepted_and_65_refused()
    {
        Assert.True(Ids.IsValidTaskId(new string('t', 64)));
        Assert.False(Ids.IsValidTaskId(new string('t', 65)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("..")]
    [InlineData("a..b")]
    [InlineData("-a")]
    [InlineData("_a")]
    [InlineData("a b")]
    [InlineData("a.b")]
    [InlineData("a\tb")]
    [InlineData("a\u0000b")]
    [InlineData("été")]
    public void Bad_task_ids_are_refused(string? id)
    {
        Assert.False(Ids.IsValidTaskId(id));
    }

    [Theory]
    [InlineData("ep-1")]
    [InlineData("ep.1:2_x")]
    [InlineData("0f8fad5bd9cb469fa16570867728950e")]
    public void Good_episode_ids_are_accepted(string id)
    {
        Assert.True(Ids.IsValidEpisodeId(id));
    }

    [Fact]
    public void An_episode_id_of_128_characters_is_accepted_and_129_refused()
    {
        Assert.True(Ids.IsValidEpisodeId(new string('e', 128)));
        Assert.False(Ids.IsValidEpisodeId(new string('e', 129)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("../x")]
    [InlineData("a..b")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("a b")]
    [InlineData("a\u0001b")]
    [InlineData("a\rb")]
    public void Bad_episode_ids_are_refused(string? id)
    {
        Assert.False(Ids.IsValidEpisodeId(id));
    }

    [Fact]
    public void New_episode_ids_are_valid_and_distinct()
    {
        var a = Ids.NewEpisodeId();
        var b = Ids.NewEpisodeId();

        Assert.True(Ids.IsValidEpisodeId(a));
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("_x")]
    [InlineData("sepal.length")]
    [InlineData("a-b_9")]
    public void Good_feature_names_are_accepted(string name)
    {
        Assert.True(Ids.IsValidFeatureName(name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1x")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a\tb")]
    public void Bad_feature_names_are_refused(string? name)
    {
        Assert.False(Ids.IsValidFeatureName(name));
    }

    [Fact]
    public void A_feature_name_of_64_characters_is_accepted_and_65_refused()
    {
        Assert.True(Ids.IsValidFeatureName(new string('f', 64)));
        Assert.False(Ids.IsValidFeatureName(new string('f', 65)));
    }

    [Theory]
    [InlineData("setosa")]
    [InlineData("Iris setosa")]
    [InlineData("0")]
    [InlineData("class:a.b-c")]
    public void Good_class_names_are_accepted(string name)
    {
        Assert.True(Ids.IsValidClassName(name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" a")]
    [InlineData("a ")]
    [InlineData(" ")]
    [InlineData("a\tb")]
    [InlineData("a/b")]
    public void Bad_class_names_are_refused(string? name)
    {
        Assert.False(Ids.IsValidClassName(name));
    }

    [Fact]
    public void A_class_name_of_64_characters_is_accepted_and_65_refused()
    {
        Assert.True(Ids.IsValidClassName(new string('c', 64)));
        Assert.False(Ids.IsValidClassName(new string('c', 65)));
    }

    // A trailing line feed is a control character like any other; "$" in a .NET regex also matches before a final
    // "\n", so these need an end anchor that does not.
    [Fact]
    public void A_task_id_ending_in_a_line_feed_is_refused()
    {
        Assert.False(Ids.IsValidTaskId("iris\n"));
    }

    [Fact]
    public void An_episode_id_ending_in_a_line_feed_is_refused()
    {
        Assert.False(Ids.IsValidEpisodeId("ep-1\n"));
    }

    [Fact]
    public void A_feature_name_ending_in_a_line_feed_is_refused()
    {
        Assert.False(Ids.IsValidFeatureName("x\n"));
    }

    [Fact]
    public void A_class_name_ending_in_a_line_feed_is_refused()
    {
        Assert.False(Ids.IsValidClassName("setosa\n"));
    }
}
