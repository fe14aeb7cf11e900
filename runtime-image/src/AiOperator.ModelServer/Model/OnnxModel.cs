using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using AiOperator.ModelServer.Batching;
using AiOperator.ModelServer.Configuration;
using AiOperator.ModelServer.Protocol;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AiOperator.ModelServer.Model;

/// <summary>
/// One shared ONNX Runtime session. Inputs go in as OrtValues over the pinned (pooled) request buffers,
/// so the hot path copies each tensor once on the way in and once on the way out.
/// </summary>
internal sealed class OnnxModel : IModelRunner, IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    private OnnxModel(InferenceSession session, string provider, int intraOpThreads)
    {
        _session = session;
        ActiveProvider = provider;
        IntraOpThreads = intraOpThreads;
        Signature = ReadSignature(session);
    }

    public ModelSignature Signature { get; }

    /// <summary>The execution provider actually in use: CUDA, TensorRT or CPU.</summary>
    public string ActiveProvider { get; }

    /// <summary>The intra-op thread count the session was created with.</summary>
    public int IntraOpThreads { get; }

    /// <summary>Creates the session, trying the providers <paramref name="kind"/> allows in order.</summary>
    public static OnnxModel Load(string path, ExecutionProviderKind kind, int intraOpThreads, GraphOptimization optimization, Action<string> log, bool intraOpSpinning = false)
    {
        var attempts = kind switch
        {
            ExecutionProviderKind.Auto => new[] { "CUDA", "CPU" },
            ExecutionProviderKind.Cuda => ["CUDA"],
            ExecutionProviderKind.TensorRT => ["TensorRT"],
            _ => ["CPU"],
        };

        QuietEnvironment();
        Exception? last = null;
        foreach (var provider in attempts)
        {
            var options = new Microsoft.ML.OnnxRuntime.SessionOptions
            {
                IntraOpNumThreads = intraOpThreads,
                InterOpNumThreads = 1,
                GraphOptimizationLevel = optimization switch
                {
                    GraphOptimization.Disabled => GraphOptimizationLevel.ORT_DISABLE_ALL,
                    GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                    GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                    _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
                },
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", intraOpSpinning ? "1" : "0");
            try
            {
                switch (provider)
                {
                    case "CUDA":
                        options.AppendExecutionProvider_CUDA(0);
                        break;
                    case "TensorRT":
                        // Nodes TensorRT cannot take fall to CUDA, as ONNX Runtime documents.
                        options.AppendExecutionProvider_Tensorrt(0);
                        options.AppendExecutionProvider_CUDA(0);
                        break;
                }

                var session = new InferenceSession(path, options);
                return new OnnxModel(session, provider, intraOpThreads);
            }
            catch (OnnxRuntimeException ex) when (provider != attempts[^1])
            {
                last = ex;
                log($"execution provider {provider} is not available ({FirstLine(ex.Message)}{MissingCudaLibraries()}); falling back to {attempts[^1]}");
            }
            catch (OnnxRuntimeException ex) when (provider != "CPU")
            {
                throw new InvalidOperationException($"execution provider {provider} could not be used: {FirstLine(ex.Message)}{MissingCudaLibraries()}", ex);
            }
            finally
            {
                options.Dispose();
            }
        }

        throw last ?? new InvalidOperationException("no execution provider could be tried");
    }

    /// <summary>Runs the session once; the caller disposes the returned tensors.</summary>
    public List<InferenceTensor> Run(IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> outputNames)
    {
        var names = new string[inputs.Count];
        var values = new OrtValue[inputs.Count];
        var pins = new MemoryHandle[inputs.Count];
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                names[i] = inputs[i].Name;
                values[i] = ToOrtValue(inputs[i], out pins[i]);
            }

            using var results = _session.Run(_runOptions, names, values, outputNames as string[] ?? outputNames.ToArray());
            var outputs = new List<InferenceTensor>(results.Count);
            var k = 0;
            foreach (var value in results)
            {
                outputs.Add(FromOrtValue(outputNames[k++], value));
            }

            return outputs;
        }
        finally
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                values[i]?.Dispose();
                pins[i].Dispose();
            }
        }
    }

    /// <summary>One run on zeros (dynamic dimensions as 1) so the first real request does not pay for lazy initialisation.</summary>
    public void WarmUp()
    {
        var inputs = Signature.Inputs.Select(spec =>
        {
            var shape = spec.Dims.Select(d => d < 0 ? 1L : d).ToArray();
            var count = InferenceTensor.Count(shape);
            return spec.ElementType == TensorElementType.String
                ? InferenceTensor.Text(spec.Name, shape, Enumerable.Range(0, (int)count).Select(_ => Array.Empty<byte>()).ToArray())
                : InferenceTensor.Numeric(spec.Name, spec.ElementType, shape, new byte[count * OipDatatype.ElementSize(spec.ElementType)]);
        }).ToList();
        foreach (var output in Run(inputs, Signature.Outputs.Select(o => o.Name).ToList()))
        {
            output.Dispose();
        }
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    private static unsafe OrtValue ToOrtValue(InferenceTensor tensor, out MemoryHandle pin)
    {
        if (tensor.Strings is { } strings)
        {
            pin = default;
            var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, tensor.Shape);
            for (var i = 0; i < strings.Length; i++)
            {
                value.StringTensorSetElementAt(strings[i].AsSpan(), i);
            }

            return value;
        }

        pin = tensor.Data.AsMemory().Pin();
        return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, tensor.ElementType, tensor.Shape,
            (IntPtr)pin.Pointer, tensor.ByteLength);
    }

    private static InferenceTensor FromOrtValue(string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var shape = info.Shape;
        if (info.ElementDataType == TensorElementType.String)
        {
            var count = (int)info.ElementCount;
            var elements = new byte[count][];
            for (var i = 0; i < count; i++)
            {
                elements[i] = Encoding.UTF8.GetBytes(value.GetStringElement(i));
            }

            return InferenceTensor.Text(name, shape, elements);
        }

        var raw = value.GetTensorMutableRawData();
        var tensor = InferenceTensor.RentNumeric(name, info.ElementDataType, shape, raw.Length);
        raw.CopyTo(tensor.Data);
        return tensor;
    }

    private static ModelSignature ReadSignature(InferenceSession session)
    {
        static List<TensorSpec> Specs(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata, string what)
        {
            var specs = new List<TensorSpec>();
            foreach (var name in names)
            {
                var m = metadata[name];
                if (!m.IsTensor || !OipDatatype.IsSupported(m.ElementDataType))
                {
                    throw new NotSupportedException($"{what} '{name}' is a {m.OnnxValueType} of {m.ElementDataType}, which the Open Inference Protocol cannot carry");
                }

                specs.Add(new TensorSpec(name, m.ElementDataType, m.Dimensions.Select(d => (long)d).ToArray()));
            }

            return specs;
        }

        return new ModelSignature(
            Specs(session.InputNames, session.InputMetadata, "input"),
            Specs(session.OutputNames, session.OutputMetadata, "output"));
    }

    // ONNX Runtime would print its own multi-line error when CUDA fails to load; the fallback is logged
    // once by the caller, and real failures surface as exceptions, so only fatal native logs are kept.
    private static void QuietEnvironment()
    {
        try
        {
            var options = new EnvironmentCreationOptions { logId = "aiop-model-server", logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            OrtEnv.CreateInstanceWithOptions(ref options);
        }
        catch (OnnxRuntimeException)
        {
            // The environment already exists (created earlier in this process); keep it.
        }
    }

    // ONNX Runtime only says "Failed to load shared library"; name the CUDA libraries the loader cannot find.
    private static string MissingCudaLibraries()
    {
        string[] required = ["libcudart.so.13", "libcublasLt.so.13", "libcublas.so.13", "libcudnn.so.9"];
        var missing = required.Where(lib =>
        {
            if (!NativeLibrary.TryLoad(lib, out var handle))
            {
                return true;
            }

            NativeLibrary.Free(handle);
            return false;
        }).ToList();
        return missing.Count == 0 ? "" : $"; not loadable: {string.Join(", ", missing)}";
    }

    private static string FirstLine(string s)
    {
        var i = s.IndexOfAny(['\r', '\n']);
        return i < 0 ? s : s[..i];
    }
}
