using System.Net;
using System.Net.Sockets;
using AiOperator.Trainer.Checkpoints;
using AiOperator.Trainer.Training;

namespace AiOperator.Trainer.Distributed;

/// <summary>
/// Rank 0: listens on MASTER_ADDR:MASTER_PORT, admits one connection per other rank (same protocol,
/// gang size and configuration), hands them the start state, then every step reads each member's
/// contribution, adds them in rank order after its own and sends the total back. Any member that
/// closes, sends garbage or stays silent past the peer timeout breaks the gang.
/// </summary>
internal sealed class GangLeader : ICollective
{
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);
    private readonly TcpListener _listener;
    private readonly GangSettings _settings;
    private readonly TextWriter _log;
    private readonly TimeProvider _time;
    private readonly NetworkStream?[] _members;

    private GangLeader(TcpListener listener, GangSettings settings, TextWriter log, TimeProvider time)
    {
        _time = time;
        _listener = listener;
        _settings = settings;
        _log = log;
        _members = new NetworkStream?[settings.Ranks];
    }

    public int Rank => 0;
    public int Ranks => _settings.Ranks;
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>
    /// Binds at once, so that a port in use fails before any training work. A null address means every
    /// interface, IPv6 and IPv4 where the host has IPv6, else IPv4.
    /// </summary>
    public static GangLeader Listen(IPAddress? address, int port, GangSettings settings, TextWriter log, TimeProvider time)
    {
        // No ReuseAddress: on Linux .NET maps it to SO_REUSEPORT as well, which would let two gangs
        // share a port. Rebinding past TIME_WAIT works without it (.NET sets SO_REUSEADDR on Unix).
        var listener = address is null ? TcpListener.Create(port) : new TcpListener(address, port);
        var endPoint = listener.LocalEndpoint;
        try
        {
            listener.Start(settings.Ranks);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new GangBrokenException($"rank 0 cannot listen on {endPoint}: {ex.Message}", ex);
        }

        return new GangLeader(listener, settings, log, time);
    }

    public async Task<TrainingState> StartAsync(TrainingState? leaderState, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(leaderState);
        _log.WriteLine($"rank 0 waiting for {Ranks - 1} peer(s) on {LocalEndPoint}");
        using var deadline = new Deadline(_settings.RendezvousTimeout, _time, ct);
        var joined = 1;
        while (joined < Ranks)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                var missing = Enumerable.Range(1, Ranks - 1).Where(r => _members[r] is null);
                throw new GangBrokenException($"rendezvous timed out after {_settings.RendezvousTimeout.TotalSeconds:0}s: rank(s) {string.Join(", ", missing)} never joined");
            }

            if (await AdmitAsync(client, deadline.Token))
            {
                joined++;
            }
        }

        var start = CheckpointFormat.Serialize(leaderState, _settings.Hyperparameters);
        for (var rank = 1; rank < Ranks; rank++)
        {
            await Send(rank, FrameType.Start, start, ct);
        }

        _log.WriteLine($"rank 0: all {Ranks} ranks joined");
        return leaderState;
    }

    public async Task<double[]> SumAsync(long step, double[] contribution, CancellationToken ct)
    {
        var total = (double[])contribution.Clone();
        for (var rank = 1; rank < Ranks; rank++)
        {
            var frame = await Receive(rank, ct);
            if (frame.Type != FrameType.Contribution)
            {
                throw new GangBrokenException($"rank {rank} sent {frame.Type} where a contribution for step {step} was due");
            }

            var (theirStep, values) = Read(rank, frame.Payload, contribution.Length);
            if (theirStep != step)
            {
                throw new GangBrokenException($"rank {rank} is at step {theirStep}, rank 0 at {step}");
            }

            for (var i = 0; i < total.Length; i++)
            {
                total[i] += values[i];
            }
        }

        var payload = Messages.Vector(step, total);
        for (var rank = 1; rank < Ranks; rank++)
        {
            await Send(rank, FrameType.Sum, payload, ct);
        }

        return total;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var member in _members)
        {
            member?.Socket.Dispose();
            member?.Dispose();
        }

        _listener.Dispose();
        return ValueTask.CompletedTask;
    }

    // A connection that is not a fitting member is turned away with the reason; the gang keeps waiting.
    private async Task<bool> AdmitAsync(TcpClient client, CancellationToken ct)
    {
        client.NoDelay = true;
        var stream = client.GetStream();
        var remote = client.Client.RemoteEndPoint;
        string? refusal;
        int rank = -1;
        try
        {
            // Admission is one connection at a time, so a connection that never says hello may hold up the
            // rendezvous only briefly; a real member sends its hello right after connecting.
            using var helloTimeout = new Deadline(TimeSpan.FromTicks(Math.Min(_settings.PeerTimeout.Ticks, HelloTimeout.Ticks)), _time, ct);
            var frame = await FrameCodec.ReadAsync(stream, helloTimeout.Token);
            if (frame.Type != FrameType.Hello)
            {
                throw new InvalidDataException($"expected hello, got {frame.Type}");
            }

            var hello = Messages.ReadHello(frame.Payload);
            rank = hello.Rank;
            refusal = hello.Protocol != Messages.ProtocolVersion ? $"protocol {hello.Protocol}, rank 0 speaks {Messages.ProtocolVersion}"
                : hello.Ranks != Ranks ? $"it counts {hello.Ranks} ranks, rank 0 counts {Ranks} (check WORLD_SIZE / LOCAL_WORLD_SIZE)"
                : hello.Rank < 1 || hello.Rank >= Ranks ? $"rank {hello.Rank} is not one of 1..{Ranks - 1}"
                : _members[hello.Rank] is not null ? $"rank {hello.Rank} has already joined (two pods with the same rank?)"
                : hello.Fingerprint != _settings.Hyperparameters.Fingerprint ? $"its settings '{hello.Fingerprint}' differ from rank 0's '{_settings.Hyperparameters.Fingerprint}'"
                : null;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            _log.WriteLine($"rank 0 ignored a connection from {remote}: {ex.Message}");
            client.Dispose();
            return false;
        }

        if (refusal is not null)
        {
            _log.WriteLine($"rank 0 refused a connection from {remote}: {refusal}");
            try
            {
                await FrameCodec.WriteAsync(stream, FrameType.Refused, System.Text.Encoding.UTF8.GetBytes(refusal), ct);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
            }

            client.Dispose();
            return false;
        }

        _members[rank] = stream;
        _log.WriteLine($"rank 0: rank {rank} joined from {remote}");
        return true;
    }

    private async Task Send(int rank, FrameType type, byte[] payload, CancellationToken ct)
    {
        using var timeout = new Deadline(_settings.PeerTimeout, _time, ct);
        try
        {
            await FrameCodec.WriteAsync(_members[rank]!, type, payload, timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new GangBrokenException($"lost rank {rank}: {Describe(ex)}", ex);
        }
    }

    private async Task<Frame> Receive(int rank, CancellationToken ct)
    {
        using var timeout = new Deadline(_settings.PeerTimeout, _time, ct);
        try
        {
            return await FrameCodec.ReadAsync(_members[rank]!, timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new GangBrokenException($"lost rank {rank}: {Describe(ex)}", ex);
        }
    }

    private static (long Step, double[] Values) Read(int rank, byte[] payload, int length)
    {
        try
        {
            return Messages.ReadVector(payload, length);
        }
        catch (InvalidDataException ex)
        {
            throw new GangBrokenException($"rank {rank} sent a malformed contribution: {ex.Message}", ex);
        }
    }

    private string Describe(Exception ex) => ex switch
    {
        EndOfStreamException => "connection closed",
        IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown } } => "connection reset",
        OperationCanceledException => $"silent for {_settings.PeerTimeout.TotalSeconds:0}s",
        _ => ex.Message,
    };
}
