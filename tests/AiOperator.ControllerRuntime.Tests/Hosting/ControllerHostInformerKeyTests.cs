using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.ControllerRuntime.Tests.Fakes;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Hosting;

// Informers are keyed by kind and options: equal options share, different options never do.
public sealed class ControllerHostInformerKeyTests
{
    private static readonly Func<object, object> Trim = o => o;

    [Fact]
    public void Equal_options_share_one_informer_even_when_built_separately()
    {
        var host = NewHost();

        var first = host.Informer<V1Pod>(new InformerOptions { Namespaces = ["a", "b"], LabelSelector = "app", IndexedLabels = ["app"], Transform = Trim });
        var second = host.Informer<V1Pod>(new InformerOptions { Namespaces = ["a", "b"], LabelSelector = "app", IndexedLabels = ["app"], Transform = Trim });

        Assert.Same(first, second);
    }

    [Fact]
    public void Different_options_get_their_own_informer()
    {
        var host = NewHost();

        var all = host.Informer<V1Pod>();
        var labelled = host.Informer<V1Pod>(new InformerOptions { LabelSelector = "app" });
        var trimmed = host.Informer<V1Pod>(new InformerOptions { LabelSelector = "app", Transform = Trim });

        Assert.NotSame(all, labelled);
        Assert.NotSame(labelled, trimmed);
        Assert.Same(labelled, host.Informer<V1Pod>(new InformerOptions { LabelSelector = "app" }));
    }

    [Fact]
    public void The_same_options_for_different_kinds_are_different_informers()
    {
        var host = NewHost();
        var options = new InformerOptions { LabelSelector = "app" };

        Assert.NotSame((object)host.Informer<V1Pod>(options), host.Informer<V1Service>(options));
    }

    // Guards the hand-written equality: a property added to InformerOptions must take part in it.
    [Theory]
    [MemberData(nameof(Properties))]
    public void Every_option_takes_part_in_equality(string property)
    {
        var baseline = new InformerOptions();
        var changed = Change(baseline, property);

        Assert.NotEqual(baseline, changed);
        Assert.Equal(Change(new InformerOptions(), property), changed);
    }

    [Fact]
    public void A_controller_without_primary_options_takes_the_one_informer_of_its_kind()
    {
        var host = NewHost();
        var primary = host.Informer<V1ConfigMap>(new InformerOptions { ResyncPeriod = TimeSpan.FromMinutes(3) });

        var controller = host.AddController<V1ConfigMap>("c", new DelegateReconciler((_, _) => Task.FromResult(ReconcileResult.Done)));

        Assert.Same(primary, controller.Primary);
    }

    [Fact]
    public void A_controller_without_primary_options_is_refused_when_two_informers_of_its_kind_exist()
    {
        var host = NewHost();
        host.Informer<V1ConfigMap>();
        var scoped = host.Informer<V1ConfigMap>(new InformerOptions { LabelSelector = "x" });

        Assert.Throws<InvalidOperationException>(() => host.AddController<V1ConfigMap>("c", new DelegateReconciler((_, _) => Task.FromResult(ReconcileResult.Done))));
        var controller = host.AddController<V1ConfigMap>("d", new DelegateReconciler((_, _) => Task.FromResult(ReconcileResult.Done)), primaryOptions: new InformerOptions { LabelSelector = "x" });
        Assert.Same(scoped, controller.Primary);
    }

    public static TheoryData<string> Properties()
    {
        var data = new TheoryData<string>();
        foreach (var p in typeof(InformerOptions).GetProperties().Where(p => p.CanWrite && p.Name != "EqualityContract"))
        {
            data.Add(p.Name);
        }

        return data;
    }

    private static InformerOptions Change(InformerOptions options, string property)
    {
        var copy = options with { };
        var p = typeof(InformerOptions).GetProperty(property)!;
        object value = p.PropertyType switch
        {
            var t when t == typeof(string) => "changed",
            var t when t == typeof(int) => (int)p.GetValue(options)! + 1,
            var t when t == typeof(double) => (double)p.GetValue(options)! + 1,
            var t when t == typeof(TimeSpan) => (TimeSpan)p.GetValue(options)! + TimeSpan.FromSeconds(1),
            var t when t == typeof(IReadOnlyList<string>) => new[] { "changed" },
            var t when t == typeof(Func<object, object>) => Trim,
            var t => throw new InvalidOperationException($"InformerOptions.{property} has type {t}: teach this test to change it"),
        };
        p.SetValue(copy, value);
        return copy;
    }

    private static ControllerHost NewHost() => new(new RecordingKubeApi(), new ControllerHostOptions { ProbePort = null });
}
