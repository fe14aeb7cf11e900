'use strict';
// A minimal Open Inference Protocol v2 REST server on onnxruntime-node: the straightforward server a
// Node developer would write (http module, one InferenceSession, JSON in and out). The model-server
// benchmark starts it as the peer it compares against.
// Usage: node server.js --model PATH [--name NAME] [--host 127.0.0.1] [--port 0] [--threads N]
const http = require('http');
const ort = require('onnxruntime-node');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const modelPath = arg('--model');
const modelName = arg('--name', 'model');
const host = arg('--host', '127.0.0.1');
const port = Number(arg('--port', '0'));
const threads = Number(arg('--threads', '0'));

const types = {
  FP32: ['float32', Float32Array],
  FP64: ['float64', Float64Array],
  INT32: ['int32', Int32Array],
  INT64: ['int64', BigInt64Array],
};
const oipName = { float32: 'FP32', float64: 'FP64', int32: 'INT32', int64: 'INT64' };

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function infer(session, body) {
  const request = JSON.parse(body);
  if (!Array.isArray(request.inputs)) {
    throw new Error("'inputs' must be an array");
  }
  const feeds = {};
  for (const input of request.inputs) {
    const type = types[input.datatype];
    if (!type) {
      throw new Error(`input '${input.name}': unsupported datatype '${input.datatype}'`);
    }
    // OIP allows nested data; a flat array (the common case) is used as it is.
    const values = Array.isArray(input.data) && Array.isArray(input.data[0]) ? input.data.flat(Infinity) : input.data;
    const data = type[1] === BigInt64Array ? BigInt64Array.from(values, BigInt) : type[1].from(values);
    feeds[input.name] = new ort.Tensor(type[0], data, input.shape);
  }
  const results = await session.run(feeds);
  const wanted = Array.isArray(request.outputs) ? request.outputs.map((o) => o.name) : session.outputNames;
  const outputs = wanted.map((name) => {
    const t = results[name];
    if (!t) {
      throw new Error(`unexpected inference output '${name}'`);
    }
    const data = t.type === 'int64' ? Array.from(t.data, Number) : Array.from(t.data);
    return { name, datatype: oipName[t.type] ?? t.type, shape: t.dims, data };
  });
  const response = { model_name: modelName, model_version: '1', outputs };
  if (request.id !== undefined) {
    response.id = request.id;
  }
  return response;
}

async function main() {
  if (!modelPath) {
    console.error('--model is required');
    process.exit(2);
  }
  const options = threads > 0 ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {};
  const session = await ort.InferenceSession.create(modelPath, options);
  const inferPath = `/v2/models/${modelName}/infer`;
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/v2/health/ready') {
      send(res, 200, { ready: true });
      return;
    }
    if (req.method !== 'POST' || req.url !== inferPath) {
      send(res, 404, { error: `no route for ${req.method} ${req.url}` });
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      infer(session, Buffer.concat(chunks).toString('utf8'))
        .then((response) => send(res, 200, response))
        .catch((err) => send(res, 400, { error: err.message }));
    });
  });
  server.listen(port, host, () => {
    // The benchmark reads the port from this line.
    console.log(`listening on ${server.address().port}`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
