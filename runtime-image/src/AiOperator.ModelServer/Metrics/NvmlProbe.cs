using System.Runtime.InteropServices;
using System.Text;

namespace AiOperator.ModelServer.Metrics;

/// <summary>
/// Reads GPU utilisation and memory through libnvidia-ml.so.1 when the driver is present. Without the
/// library, or when a call fails, it reports nothing rather than a guess.
/// </summary>
internal sealed unsafe class NvmlProbe
{
    private const int Success = 0;
    private readonly delegate* unmanaged<uint*, int> _getCount;
    private readonly delegate* unmanaged<uint, IntPtr*, int> _getHandle;
    private readonly delegate* unmanaged<IntPtr, uint*, int> _getUtilization;
    private readonly delegate* unmanaged<IntPtr, ulong*, int> _getMemory;
    private readonly delegate* unmanaged<IntPtr, byte*, uint, int> _getUuid;

    private NvmlProbe(IntPtr lib)
    {
        _getCount = (delegate* unmanaged<uint*, int>)NativeLibrary.GetExport(lib, "nvmlDeviceGetCount_v2");
        _getHandle = (delegate* unmanaged<uint, IntPtr*, int>)NativeLibrary.GetExport(lib, "nvmlDeviceGetHandleByIndex_v2");
        _getUtilization = (delegate* unmanaged<IntPtr, uint*, int>)NativeLibrary.GetExport(lib, "nvmlDeviceGetUtilizationRates");
        _getMemory = (delegate* unmanaged<IntPtr, ulong*, int>)NativeLibrary.GetExport(lib, "nvmlDeviceGetMemoryInfo");
        _getUuid = (delegate* unmanaged<IntPtr, byte*, uint, int>)NativeLibrary.GetExport(lib, "nvmlDeviceGetUUID");
    }

    /// <summary>Null when the NVML library cannot be loaded or initialised.</summary>
    public static NvmlProbe? TryCreate(string library = "libnvidia-ml.so.1")
    {
        if (!NativeLibrary.TryLoad(library, out var lib))
        {
            return null;
        }

        try
        {
            var init = (delegate* unmanaged<int>)NativeLibrary.GetExport(lib, "nvmlInit_v2");
            return init() == Success ? new NvmlProbe(lib) : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    public IReadOnlyList<GpuReading> Read()
    {
        uint count;
        if (_getCount(&count) != Success)
        {
            return [];
        }

        var readings = new List<GpuReading>();
        var uuidBuffer = stackalloc byte[96];
        var utilization = stackalloc uint[2];
        var memory = stackalloc ulong[3];
        for (uint i = 0; i < count; i++)
        {
            IntPtr device;
            if (_getHandle(i, &device) != Success)
            {
                continue;
            }

            var uuid = _getUuid(device, uuidBuffer, 96) == Success
                ? Encoding.ASCII.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(uuidBuffer))
                : i.ToString(System.Globalization.CultureInfo.InvariantCulture);

            // nvmlUtilization_t is { uint gpu; uint memory; } in percent.
            double? gpu = _getUtilization(device, utilization) == Success ? utilization[0] / 100.0 : null;

            // nvmlMemory_t is { ulong total; ulong free; ulong used; }.
            var memoryOk = _getMemory(device, memory) == Success;
            readings.Add(new GpuReading(uuid, gpu, memoryOk ? memory[2] : null, memoryOk ? memory[0] : null));
        }

        return readings;
    }
}
