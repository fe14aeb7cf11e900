using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AiOperator.Testing;
using AiOperator.Trainer.Distributed;
using AiOperator.Trainer.Network;
using AiOperator.Trainer.Tests.Support;
using AiOperator.Trainer.Training;
using Xunit;

namespace AiOperator.Trainer.Tests.Distributed;

/// <summary>The rendezvous and all-reduce over real loopback sockets: who may join, and what happens when someone leaves.</summary>
public sealed class GangTests
{
    private static readonly TrainingState Start = TrainingState.Fresh(Mlp.Initialize(1)) with { Step = 7 };

    [Fact]
    public async Task Every_rank_gets_rank_0s_state_and_the_same_sum()
    {
        var settings = Gang.Settings(3);
        await using var leader = Listen(settings);
        await using var one = Member(1, leader, settings);
        await using var two = Member(2, leader, settings);

        var states = await Task.WhenAll(leader.StartAsync(Start, default), one.StartAsync(null, default), two.StartAsync(null, default));
        Assert.All(states, s => Assert.Equal(Start.Parameters, s.Parameters));
        Assert.All(states, s => Assert.Equal(7, s.Step));

        var sums = await Task.WhenAll(leader.SumAsync(7, [1, 10], default), one.SumAsync(7, [2, 20], default), two.SumAsync(7, [4, 40], default));
        Assert.All(sums, s => Assert.Equal([7.0, 70.0], s));
    }

    [Fact]
    public async Task Rank_0_notices_a_member_that_disappears_at_once_not_after_the_peer_timeout()
    {
        var settings = Gang.Settings(2, peerTimeoutSeconds: 120);
        await using var leader = Listen(settings);
        var member = Member(1, leader, settings);
        await Task.WhenAll(leader.StartAsync(Start, default), member.StartAsync(null, default));

        await member.DisposeAsync();   // the process died: its socket closes
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<GangBrokenException>(() => leader.SumAsync(7, [1], default));

        Assert.Equal("lost rank 1: connection closed", ex.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_member_notices_rank_0_disappearing()
    {
        var settings = Gang.Settings(2, peerTimeoutSeconds: 120);
        var leader = Listen(settings);
        await using var member = Member(1, leader, settings);
        await Task.WhenAll(leader.StartAsync(Start, default), member.StartAsync(null, default));

        await leader.DisposeAsync();
        var ex = await Assert.ThrowsAsync<GangBrokenException>(() => member.SumAsync(7, [1], default));

        Assert.StartsWith("lost rank 0: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silent_member_breaks_the_gang_after_the_peer_timeout()
    {
        var settings = Gang.Settings(2, peerTimeoutSeconds: 1);
        await using var leader = Listen(settings);
        await using var member = Member(1, leader, settings);
        await Task.WhenAll(leader.StartAsync(Start, default), member.StartAsync(null, default));

        var ex = await Assert.ThrowsAsync<GangBrokenException>(() => leader.SumAsync(7, [1], default));   // member never sends

        Assert.Equal("lost rank 1: silent for 1s", ex.Message);
    }

    [Fact]
    public async Task Members_with_other_settings_or_a_taken_rank_are_refused_and_the_gang_still_forms()
    {
        var settings = Gang.Settings(2);
        await using var leader = Listen(settings);
        var leaderStart = leader.StartAsync(Start, default);

        await using var stranger = Member(1, leader, settings with { Hyperparameters = Gang.Defaults with { Seed = 9 } });
        var refused = await Assert.ThrowsAsync<GangRefusedException>(() => stranger.StartAsync(null, default));
        Assert.Contains("seed=9", refused.Message, StringComparison.Ordinal);
        Assert.Contains("differ from rank 0's", refused.Message, StringComparison.Ordinal);

        await using var wrongSize = Member(1, leader, settings with { Ranks = 3 });
        refused = await Assert.ThrowsAsync<GangRefusedException>(() => wrongSize.StartAsync(null, default));
        Assert.Contains("counts 3 ranks, rank 0 counts 2", refused.Message, StringComparison.Ordinal);

        await using var member = Member(1, leader, settings);
        await member.StartAsync(null, default);
        await leaderStart;
    }

    [Fact]
    public async Task Garbage_on_the_port_is_ignored()
    {
        var settings = Gang.Settings(2);
        await using var leader = Listen(settings);
        var leaderStart = leader.StartAsync(Start, default);

        using (var garbage = new TcpClient())
        {
            await garbage.ConnectAsync(IPAddress.Loopback, leader.LocalEndPoint.Port);
            await garbage.GetStream().WriteAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        }

        await using var member = Member(1, leader, settings);
        await member.StartAsync(null, default);
        await leaderStart;
    }

    [Fact]
    public async Task A_connection_that_never_says_hello_is_dropped_and_the_gang_still_forms()
    {
        var settings = Gang.Settings(2, peerTimeoutSeconds: 1);
        await using var leader = Listen(settings);
        var leaderStart = leader.StartAsync(Start, default);
        using var mute = new TcpClient();
        await mute.ConnectAsync(IPAddress.Loopback, leader.LocalEndPoint.Port);

        await using var member = Member(1, leader, settings);
        await member.StartAsync(null, default);
        await leaderStart;
    }

    [Fact]
    public async Task A_member_started_first_waits_for_rank_0()
    {
        var port = LoopbackPort.Free();
        var settings = Gang.Settings(2);
        var log = new LineLog();
        await using var member = new GangMember(1, "127.0.0.1", port, settings, log, TimeProvider.System);
        var memberStart = member.StartAsync(null, default);
        await Eventually(() => log.Lines.Any(l => l.StartsWith($"rank 1 waiting for rank 0 at 127.0.0.1:{port}", StringComparison.Ordinal)));

        await using var leader = GangLeader.Listen(IPAddress.Loopback, port, settings, TextWriter.Null, TimeProvider.System);
        await Task.WhenAll(leader.StartAsync(Start, default), memberStart);

        Assert.Contains(log.Lines, l => l.StartsWith("rank 1 connected to rank 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rank_0_without_an_address_listens_everywhere_and_members_find_it_by_name()
    {
        var port = LoopbackPort.Free();
        var settings = Gang.Settings(2);
        await using var leader = GangLeader.Listen(null, port, settings, TextWriter.Null, TimeProvider.System);
        await using var member = new GangMember(1, "localhost", port, settings, TextWriter.Null, TimeProvider.System);

        await Task.WhenAll(leader.StartAsync(Start, default), member.StartAsync(null, default));

        Assert.True(leader.LocalEndPoint.Address.Equals(IPAddress.IPv6Any) || leader.LocalEndPoint.Address.Equals(IPAddress.Any), $"{leader.LocalEndPoint}");
    }

    [Fact]
    public async Task Rendezvous_gives_up_at_its_deadline_naming_who_is_missing()
    {
        var settings = Gang.Settings(3, rendezvousTimeoutSeconds: 1);
        await using var leader = Listen(settings);
        await using var one = Member(1, leader, settings);
        var oneStart = one.StartAsync(null, default);

        var ex = await Assert.ThrowsAsync<GangBrokenException>(() => leader.StartAsync(Start, default));
        Assert.Equal("rendezvous timed out after 1s: rank(s) 2 never joined", ex.Message);
        await Assert.ThrowsAsync<GangBrokenException>(() => oneStart);

        await using var lonely = new GangMember(1, "127.0.0.1", LoopbackPort.Free(), settings, TextWriter.Null, TimeProvider.System);
        ex = await Assert.ThrowsAsync<GangBrokenException>(() => lonely.StartAsync(null, default));
        Assert.Contains("could not be reached within 1s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_fails_at_once()
    {
        var settings = Gang.Settings(2);
        await using var first = Listen(settings);

        var ex = Assert.Throws<GangBrokenException>(() => GangLeader.Listen(first.LocalEndPoint.Address, first.LocalEndPoint.Port, settings, TextWriter.Null, TimeProvider.System));

        Assert.Contains($"cannot listen on {first.LocalEndPoint}", ex.Message, StringComparison.Ordinal);
    }

    private static GangLeader Listen(GangSettings settings) =>
        GangLeader.Listen(IPAddress.Loopback, 0, settings, TextWriter.Null, TimeProvider.System);

    private static GangMember Member(int rank, GangLeader leader, GangSettings settings) =>
        new(rank, "127.0.0.1", leader.LocalEndPoint.Port, settings, TextWriter.Null, TimeProvider.System);

    private static async Task Eventually(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!condition())
        {
            await poll.WaitForNextTickAsync(timeout.Token);
        }
    }
}
