using System.Text;
using AiOperator.LocalCluster.ApiServer.Storage;
using AiOperator.LocalCluster.ApiServer.Storage.Durability;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Storage;

public sealed class DurableLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("durable-log-").FullName;

    [Fact]
    public async Task Changes_come_back_after_reopening_with_removals_applied()
    {
        await WriteAsync(long.MaxValue, Put(1, "a"), Put(2, "b"), Put(3, "a", "{\"v\":2}"), Remove(4, "b"), Put(5, "c"));

        var (log, objects, rv) = DurableLog.Open(_dir, long.MaxValue);
        await log.DisposeAsync();
        Assert.Equal(5, rv);
        Assert.Equal(["a@3:{\"v\":2}", "c@5:{}"], objects.Select(Describe));
    }

    [Fact]
    public async Task A_torn_tail_is_cut_off_and_every_record_before_it_survives()
    {
        await WriteAsync(long.MaxValue, Put(1, "a"), Put(2, "b"), Put(3, "c"));
        var path = Path.Combine(_dir, "log");
        var intact = new FileInfo(path).Length;

        // Half of a fourth record, as a crash in the middle of a write leaves it.
        var fourth = LogRecordCodec.Encode(Put(4, "d"));
        await using (var file = new FileStream(path, FileMode.Append))
        {
            file.Write(fourth.AsSpan(0, fourth.Length / 2));
        }

        var (log, objects, rv) = DurableLog.Open(_dir, long.MaxValue);
        Assert.Equal(3, rv);
        Assert.Equal(["a@1:{}", "b@2:{}", "c@3:{}"], objects.Select(Describe));
        Assert.Equal(intact, new FileInfo(path).Length);

        // Appends continue on the intact records.
        log.Start(new object(), () => []);
        log.Append(Put(5, "e"));
        await log.WaitDurableAsync();
        await log.DisposeAsync();
        var (again, after, _) = DurableLog.Open(_dir, long.MaxValue);
        await again.DisposeAsync();
        Assert.Equal(["a@1:{}", "b@2:{}", "c@3:{}", "e@5:{}"], after.Select(Describe));
    }

    [Fact]
    public async Task A_flipped_byte_fails_the_checksum_and_ends_the_log_there()
    {
        await WriteAsync(long.MaxValue, Put(1, "a"), Put(2, "b"));
        var path = Path.Combine(_dir, "log");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^3] ^= 0x40;
        await File.WriteAllBytesAsync(path, bytes);

        var (log, objects, rv) = DurableLog.Open(_dir, long.MaxValue);
        await log.DisposeAsync();
        Assert.Equal(["a@1:{}"], objects.Select(Describe));
        Assert.Equal(1, rv);
    }

    [Fact]
    public async Task A_snapshot_replaces_the_log_when_it_grows_and_later_changes_stay_in_the_log()
    {
        var live = new Dictionary<string, LogRecord>();
        var gate = new object();
        var (log, _, _) = DurableLog.Open(_dir, compactAtBytes: 200);
        log.Start(gate, () => live.Values.ToList());
        for (var i = 1; i <= 20; i++)
        {
            var record = i % 5 == 0 ? Remove(i, $"o{i - 1}") : Put(i, $"o{i}");
            lock (gate)
            {
                if (record.Json is null)
                {
                    live.Remove(record.Ref.Name);
                }
                else
                {
                    live[record.Ref.Name] = record;
                }

                log.Append(record);
            }

            await log.WaitDurableAsync();
        }

        Assert.True(log.Snapshots > 0, "the log never turned into a snapshot");
        await log.DisposeAsync();

        var (reopened, objects, rv) = DurableLog.Open(_dir, 200);
        await reopened.DisposeAsync();
        Assert.Equal(20, rv);
        Assert.Equal(live.Values.OrderBy(r => r.ResourceVersion).Select(Describe), objects.Select(Describe));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task WriteAsync(long compactAt, params LogRecord[] records)
    {
        var (log, _, _) = DurableLog.Open(_dir, compactAt);
        log.Start(new object(), () => []);
        foreach (var record in records)
        {
            log.Append(record);
        }

        await log.WaitDurableAsync();
        await log.DisposeAsync();
    }

    private static LogRecord Put(long rv, string name, string json = "{}") => new(rv, new ObjectRef("/configmaps", "ns", name), Encoding.UTF8.GetBytes(json));

    private static LogRecord Remove(long rv, string name) => new(rv, new ObjectRef("/configmaps", "ns", name), null);

    private static string Describe(LogRecord r) => $"{r.Ref.Name}@{r.ResourceVersion}:{Encoding.UTF8.GetString(r.Json!)}";
}
