using System.Globalization;

namespace AiOperator.ModelServer.Configuration;

/// <summary>The container's CPU limit from cgroup files: ONNX Runtime would otherwise size its pool by the host's cores.</summary>
internal static class CpuLimit
{
    /// <summary>Parses cgroup v2 <c>cpu.max</c> ("max 100000" or "200000 100000"); null when unlimited or unreadable.</summary>
    public static int? FromCgroupV2(string? cpuMax)
    {
        if (string.IsNullOrWhiteSpace(cpuMax))
        {
            return null;
        }

        var parts = cpuMax.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[0] == "max")
        {
            return null;
        }

        return FromQuota(parts[0], parts[1]);
    }

    /// <summary>Parses cgroup v1 <c>cpu.cfs_quota_us</c> and <c>cpu.cfs_period_us</c>; quota -1 means unlimited.</summary>
    public static int? FromQuota(string? quota, string? period)
    {
        if (!long.TryParse(quota?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var q)
            || !long.TryParse(period?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p)
            || q <= 0 || p <= 0)
        {
            return null;
        }

        return (int)Math.Max(1, (q + p - 1) / p);
    }

    /// <summary>Threads to use: the cgroup limit when set, never more than the cores the runtime sees.</summary>
    public static int Detect()
    {
        var limit = FromCgroupV2(Read("/sys/fs/cgroup/cpu.max"))
            ?? FromQuota(Read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), Read("/sys/fs/cgroup/cpu/cpu.cfs_period_us"));
        return Math.Max(1, Math.Min(limit ?? Environment.ProcessorCount, Environment.ProcessorCount));
    }

    private static string? Read(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
