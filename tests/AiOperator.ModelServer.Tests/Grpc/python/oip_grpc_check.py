"""An Open Inference Protocol gRPC client that is not part of this project: Python grpcio with stubs
generated from the server's service definition at run time. Checks health, metadata, inference with
typed and raw contents, and every error class. Usage: oip_grpc_check.py PROTO READY_PORT FAILED_PORT BROKEN_PORT"""
import os
import struct
import sys
import tempfile

import grpc
from grpc_tools import protoc


def generate(proto):
    out = tempfile.mkdtemp(prefix="oip-grpc-")
    folder, name = os.path.split(os.path.abspath(proto))
    if protoc.main(["protoc", "-I" + folder, "--python_out=" + out, "--grpc_python_out=" + out, os.path.join(folder, name)]) != 0:
        raise SystemExit("protoc failed")
    sys.path.insert(0, out)
    base = os.path.splitext(name)[0]
    return __import__(base + "_pb2"), __import__(base + "_pb2_grpc")


def expect_error(call, code, contains=""):
    try:
        call()
    except grpc.RpcError as e:
        if e.code() != code or contains not in e.details():
            raise AssertionError("expected %s containing %r, got %s %r" % (code, contains, e.code(), e.details()))
        return e
    raise AssertionError("expected %s, the call succeeded" % code)


def health(port, service=""):
    """grpc.health.v1.Health/Check without generated stubs: HealthCheckRequest and HealthCheckResponse are one field
    each (service = 1, a string; status = 1, an enum), so their bytes are written and read here."""
    name = service.encode()
    request = (b"\x0a" + bytes([len(name)]) + name) if name else b""
    check = grpc.insecure_channel("127.0.0.1:" + port).unary_unary(
        "/grpc.health.v1.Health/Check", request_serializer=lambda b: b, response_deserializer=lambda b: b)
    answer = check(request)
    if answer == b"":
        return "UNKNOWN"
    assert answer[0] == 0x08 and len(answer) == 2, answer
    return ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"][answer[1]]


def main():
    proto, ready_port, failed_port, broken_port = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    pb, rpc = generate(proto)
    stub = rpc.GRPCInferenceServiceStub(grpc.insecure_channel("127.0.0.1:" + ready_port))

    assert stub.ServerLive(pb.ServerLiveRequest()).live
    assert stub.ServerReady(pb.ServerReadyRequest()).ready
    assert stub.ModelReady(pb.ModelReadyRequest(name="m")).ready
    meta = stub.ServerMetadata(pb.ServerMetadataRequest())
    assert meta.name == "aiop-model-server", meta
    model = stub.ModelMetadata(pb.ModelMetadataRequest(name="m"))
    assert [(i.name, i.datatype, list(i.shape)) for i in model.inputs] == [("a", "FP32", [-1, 4]), ("b", "FP32", [-1, 4]), ("c", "INT64", [-1, 2])], model
    assert health(ready_port) == "SERVING"
    assert health(ready_port, "inference.GRPCInferenceService") == "SERVING"
    expect_error(lambda: health(ready_port, "shop.Cart"), grpc.StatusCode.NOT_FOUND, "unknown service 'shop.Cart'")
    print("health and metadata: ok")

    a = [0.5 * i for i in range(8)]
    b = [1.0 - 0.25 * i for i in range(8)]
    c = [3, -4, 5, 1 << 40]

    def tensor(name, datatype, shape, contents=None):
        t = pb.ModelInferRequest.InferInputTensor(name=name, datatype=datatype, shape=shape)
        if contents is not None:
            t.contents.CopyFrom(contents)
        return t

    typed = pb.ModelInferRequest(model_name="m", id="py-1", inputs=[
        tensor("a", "FP32", [2, 4], pb.InferTensorContents(fp32_contents=a)),
        tensor("b", "FP32", [2, 4], pb.InferTensorContents(fp32_contents=b)),
        tensor("c", "INT64", [2, 2], pb.InferTensorContents(int64_contents=c))])
    response = stub.ModelInfer(typed)
    assert response.id == "py-1" and len(response.raw_output_contents) == 0, response
    out = {o.name: o for o in response.outputs}
    assert list(out["sum"].contents.fp32_contents) == [x + y for x, y in zip(a, b)], out["sum"]
    assert list(out["product"].contents.fp32_contents) == [x * y for x, y in zip(a, b)], out["product"]
    assert list(out["c_twice"].contents.int64_contents) == [2 * x for x in c], out["c_twice"]
    assert list(out["a_double"].contents.fp64_contents) == a, out["a_double"]
    assert list(out["sum"].shape) == [2, 4]
    print("infer, typed contents: ok")

    raw = pb.ModelInferRequest(model_name="m", inputs=[
        tensor("a", "FP32", [2, 4]), tensor("b", "FP32", [2, 4]), tensor("c", "INT64", [2, 2])],
        outputs=[pb.ModelInferRequest.InferRequestedOutputTensor(name="c_twice"), pb.ModelInferRequest.InferRequestedOutputTensor(name="sum")])
    raw.raw_input_contents.extend([struct.pack("<8f", *a), struct.pack("<8f", *b), struct.pack("<4q", *c)])
    response = stub.ModelInfer(raw)
    assert [o.name for o in response.outputs] == ["c_twice", "sum"], response
    assert list(struct.unpack("<4q", response.raw_output_contents[0])) == [2 * x for x in c]
    assert list(struct.unpack("<8f", response.raw_output_contents[1])) == [x + y for x, y in zip(a, b)]
    print("infer, raw contents: ok")

    expect_error(lambda: stub.ModelMetadata(pb.ModelMetadataRequest(name="nope")), grpc.StatusCode.NOT_FOUND, "Request for unknown model: 'nope' is not found")
    bad = pb.ModelInferRequest(); bad.CopyFrom(typed); bad.inputs[0].shape[1] = 5
    expect_error(lambda: stub.ModelInfer(bad), grpc.StatusCode.INVALID_ARGUMENT, "input 'a': shape[1] is 5, but the model expects 4")
    bad = pb.ModelInferRequest(); bad.CopyFrom(typed); bad.inputs[1].datatype = "FP8"
    expect_error(lambda: stub.ModelInfer(bad), grpc.StatusCode.INVALID_ARGUMENT, "unknown datatype 'FP8'")
    bad = pb.ModelInferRequest(); bad.CopyFrom(raw); bad.raw_input_contents[2] = b"\0" * 31
    expect_error(lambda: stub.ModelInfer(bad), grpc.StatusCode.INVALID_ARGUMENT, "needs 32 bytes of INT64")
    big = pb.ModelInferRequest(model_name="m", inputs=[tensor("a", "FP32", [3000, 4]), tensor("b", "FP32", [3000, 4]), tensor("c", "INT64", [3000, 2])])
    big.raw_input_contents.extend([b"\0" * 48000, b"\0" * 48000, b"\0" * 48000])
    expect_error(lambda: stub.ModelInfer(big), grpc.StatusCode.RESOURCE_EXHAUSTED)

    failed = rpc.GRPCInferenceServiceStub(grpc.insecure_channel("127.0.0.1:" + failed_port))
    assert not failed.ServerReady(pb.ServerReadyRequest()).ready
    assert health(failed_port) == "NOT_SERVING"
    e = expect_error(lambda: failed.ModelInfer(typed), grpc.StatusCode.UNAVAILABLE, "model failed to load")
    assert ("retry-after", "1") in tuple(e.trailing_metadata()), e.trailing_metadata()

    broken = rpc.GRPCInferenceServiceStub(grpc.insecure_channel("127.0.0.1:" + broken_port))
    reshape = pb.ModelInferRequest(model_name="m", inputs=[tensor("x", "FP32", [2, 3], pb.InferTensorContents(fp32_contents=[1, 2, 3, 4, 5, 6]))])
    expect_error(lambda: broken.ModelInfer(reshape), grpc.StatusCode.INTERNAL, "inference failed")
    print("errors (NOT_FOUND, INVALID_ARGUMENT, RESOURCE_EXHAUSTED, UNAVAILABLE, INTERNAL): ok")


if __name__ == "__main__":
    main()
