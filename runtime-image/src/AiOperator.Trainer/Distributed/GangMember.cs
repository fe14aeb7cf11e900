using System.Net;
using System.Net.Sockets;
using System.Text;
using AiOperator.Trainer.Checkpoints;
using AiOperator.Trainer.Training;

namespace AiOperator.Trainer.Distributed;

/// <summary>
/// Ranks 1..N-1: connect to rank 0, retrying until the rendezvous deadline because rank 0 may start
/// later (or its name may not resolve yet), say hello, take the start state, then per step send the
/// local contribution and wait for the total.
/// </summary>
internal sealed class GangMember : ICollective
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);
    private readonly string _host;
    private readonly int _port;
    private readonly GangSettings _settings;
    private readonly TextWriter _log;
    private readonly TimeProvider _time;
    private TcpClient? _client;
    private NetworkStream? _stream;

    public GangMember(int rank, string host, int port, GangSettings settings, TextWriter log, TimeProvider time)
    {
        Rank = rank;
        _host = host;
        _port = port;
        _settings = settings;
        _log = log;
        _time = time;
    }

    public int Rank { get; }
    public int Ranks => _settings.Ranks;

    public async Task<TrainingState> StartAsync(TrainingState? leaderState, CancellationToken ct)
    {
        using var deadline = new Deadline(_settings.RendezvousTimeout, _time, ct);
        await ConnectAsync(deadline.Token, ct);
        try
        {
            await FrameCodec.WriteAsync(_stream!, FrameType.Hello, Messages.Hello(Rank, Ranks, _settings.Hyperparameters.Fingerprint), deadline.Token);
            // Rank 0 answers once every rank has joined, so this wait is bounded by the rendezvous deadline.
            var frame = await FrameCodec.ReadAsync(_stream!, deadline.Token);
            return frame.Type switch
            {
                FrameType.Start => CheckpointFormat.Deserialize(frame.Payload, _settings.Hyperparameters, "the start state from rank 0"),
                FrameType.Refused => throw new GangRefusedException($"rank 0 refused rank {Rank}: {Encoding.UTF8.GetString(frame.Payload)}"),
                _ => throw new InvalidDataException($"expected the start state, got {frame.Type}"),
            };
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or SocketException or CheckpointException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new GangBrokenException($"rendezvous with rank 0 at {_host}:{_port} failed: {Describe(ex, _settings.RendezvousTimeout)}", ex);
        }
    }

    public async Task<double[]> SumAsync(long step, double[] contribution, CancellationToken ct)
    {
        using var timeout = new Deadline(_settings.PeerTimeout, _time, ct);
        Frame frame;
        try
        {
            await FrameCodec.WriteAsync(_stream!, FrameType.Contribution, Messages.Vector(step, contribution), timeout.Token);
            frame = await FrameCodec.ReadAsync(_stream!, timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new GangBrokenException($"lost rank 0: {Describe(ex, _settings.PeerTimeout)}", ex);
        }

        if (frame.Type != FrameType.Sum)
        {
            throw new GangBrokenException($"rank 0 sent {frame.Type} where the sum for step {step} was due");
        }

        try
        {
            var (theirStep, total) = Messages.ReadVector(frame.Payload, contribution.Length);
            return theirStep == step ? total : throw new GangBrokenException($"rank 0 is at step {theirStep}, rank {Rank} at {step}");
        }
        catch (InvalidDataException ex)
        {
            throw new GangBrokenException($"rank 0 sent a malformed sum: {ex.Message}", ex);
        }
    }

    public ValueTask DisposeAsync()
    {
        _stream?.Dispose();
        _client?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ConnectAsync(CancellationToken deadline, CancellationToken ct)
    {
        var delay = FirstRetryDelay;
        var attempts = 0;
        var last = "no attempt";
        while (true)
        {
            attempts++;
            try
            {
                (_client, _stream) = await TryConnectOnceAsync(deadline);
                _log.WriteLine($"rank {Rank} connected to rank 0 at {_host}:{_port} (attempt {attempts})");
                return;
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                last = ex.Message;
                if (attempts == 1)
                {
                    _log.WriteLine($"rank {Rank} waiting for rank 0 at {_host}:{_port} ({last}); retrying for up to {_settings.RendezvousTimeout.TotalSeconds:0}s");
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw Unreachable(attempts, last);
            }

            try
            {
                await Task.Delay(delay, _time, deadline);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw Unreachable(attempts, last);
            }

            delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, delay.Ticks * 2));
        }
    }

    // The name is resolved on every attempt: a headless Service's record appears only once rank 0's pod has an IP.
    private async Task<(TcpClient, NetworkStream)> TryConnectOnceAsync(CancellationToken deadline)
    {
        var addresses = IPAddress.TryParse(_host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(_host, deadline);
        if (addresses.Length == 0)
        {
            throw new IOException($"{_host} has no address");
        }

        Exception? error = null;
        foreach (var address in addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1))
        {
            var client = new TcpClient(address.AddressFamily) { NoDelay = true };
            try
            {
                await client.ConnectAsync(address, _port, deadline);
                return (client, client.GetStream());
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                client.Dispose();
                error = ex;
                if (ex is OperationCanceledException)
                {
                    throw;
                }
            }
        }

        throw error!;
    }

    private GangBrokenException Unreachable(int attempts, string last) =>
        new($"rank 0 at {_host}:{_port} could not be reached within {_settings.RendezvousTimeout.TotalSeconds:0}s ({attempts} attempts; last: {last})");

    private static string Describe(Exception ex, TimeSpan timeout) => ex switch
    {
        EndOfStreamException => "connection closed",
        IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown } } => "connection reset",
        OperationCanceledException => $"no answer within {timeout.TotalSeconds:0}s",
        _ => ex.Message,
    };
}
