'use strict';

// Streams every *.json file of a folder (one CMF/1 message each, in name order) to the exchange over one
// SubmitMessages call and prints the answer to each. See README.md.

const fs = require('node:fs');
const path = require('node:path');
const { once } = require('node:events');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const PROTO_DIR = path.resolve(__dirname, '../../proto');
const ADDRESS = process.env.CMX_GRPC_ADDRESS || '127.0.0.1:50051';
const API_KEY = process.env.CMX_API_KEY || 'demo-ncb-it';
const PURPOSE = process.env.CMX_PURPOSE;
const ON_BEHALF_OF = process.env.CMX_ON_BEHALF_OF;

const definition = protoLoader.loadSync('cmx/v1/case_exchange.proto', {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
});
const { CaseExchangeService } = grpc.loadPackageDefinition(definition).cmx.v1;

const errorTypes = protobuf.loadSync([path.join(PROTO_DIR, 'google/rpc/error_details.proto'), path.join(PROTO_DIR, 'google/rpc/status.proto')]);
const Status = errorTypes.lookupType('google.rpc.Status');
const detailTypes = new Map(['google.rpc.ErrorInfo', 'google.rpc.BadRequest'].map((name) => [`type.googleapis.com/${name}`, errorTypes.lookupType(name)]));

/** The ErrorInfo and BadRequest of a google.rpc.Status's details (google.protobuf.Any); other detail types are skipped. */
function decodeDetails(details) {
  const decoded = {};
  for (const any of details || []) {
    const typeUrl = any.type_url ?? any.typeUrl;
    const type = detailTypes.get(typeUrl);
    if (type) decoded[type.name] = type.toObject(type.decode(any.value), { defaults: true });
  }
  return decoded;
}

/** The lines that describe a google.rpc.Status: `<reason>: <message>`, then one per field violation. */
function describeStatus(status) {
  const { ErrorInfo: info, BadRequest: badRequest } = decodeDetails(status.details);
  const reason = info && info.reason ? info.reason : (grpc.status[status.code] ?? `code ${status.code}`);
  const violations = badRequest ? badRequest.fieldViolations : [];
  return [`${reason}: ${status.message}`, ...violations.map((violation) => `    ${violation.field}: ${violation.description}`)];
}

function callMetadata() {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${API_KEY}`);
  if (PURPOSE) metadata.set('purpose', PURPOSE);
  if (ON_BEHALF_OF) metadata.set('on-behalf-of', ON_BEHALF_OF);
  return metadata;
}

function jsonFilesOf(folder) {
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith('.json'))
    .map((entry) => entry.name)
    .sort();
}

async function writeAll(call, folder, files, counts) {
  for (const name of files) {
    const request = { correlationId: name, cmfJson: fs.readFileSync(path.join(folder, name)) };
    counts.sent += 1;
    if (!call.write(request)) await once(call, 'drain');
  }
  call.end();
}

function main() {
  const folder = process.argv[2];
  if (!folder) {
    console.error('usage: node examples/grpc-client/submit-folder.js <folder of CMF/1 *.json files>');
    return 1;
  }
  let files;
  try {
    files = jsonFilesOf(folder);
  } catch (error) {
    console.error(`cannot read ${folder}: ${error.message}`);
    return 1;
  }
  if (files.length === 0) {
    console.error(`no *.json files in ${folder}`);
    return 1;
  }

  const client = new CaseExchangeService(ADDRESS, grpc.credentials.createInsecure());
  const call = client.SubmitMessages(callMetadata());
  const counts = { sent: 0, stored: 0, repeats: 0, refused: 0 };

  return new Promise((resolve) => {
    let finished = false;
    const finish = (exitCode) => {
      if (finished) return;
      finished = true;
      const accepted = counts.stored + counts.repeats;
      const unanswered = counts.sent - accepted - counts.refused;
      console.log(
        `${counts.sent} sent, ${accepted} accepted (${counts.stored} stored, ${counts.repeats} repeats), ${counts.refused} refused` +
          (unanswered > 0 ? `, ${unanswered} unanswered` : ''),
      );
      client.close();
      resolve(unanswered > 0 ? 1 : exitCode);
    };

    call.on('data', (response) => {
      const head = `${response.correlationId} ${response.httpStatus}`;
      if (response.outcome === 'receipt') {
        const { messageId, caseId, caseVersion } = response.receipt;
        if (response.httpStatus === 201) counts.stored += 1;
        else counts.repeats += 1;
        console.log(`${head} ${messageId} case ${caseId} v${caseVersion}`);
      } else {
        counts.refused += 1;
        const [first, ...violations] = describeStatus(response.error);
        console.log(`${head} ${first}`);
        for (const line of violations) console.log(line);
      }
    });
    call.on('end', () => finish(counts.refused > 0 ? 2 : 0));
    call.on('error', (error) => {
      console.error(`stream failed: ${grpc.status[error.code] ?? 'code'} (${error.code}): ${error.details}`);
      const trailer = error.metadata ? error.metadata.get('grpc-status-details-bin')[0] : undefined;
      if (trailer) {
        const status = Status.toObject(Status.decode(trailer), { defaults: true });
        for (const line of describeStatus(status)) console.error(`  ${line}`);
      }
      finish(1);
    });

    writeAll(call, folder, files, counts).catch((error) => {
      // A failed call also rejects a pending wait for 'drain': the 'error' handler above has reported it.
      if (finished) return;
      console.error(`cannot send: ${error.message}`);
      call.cancel();
    });
  });
}

Promise.resolve(main()).then((exitCode) => {
  process.exitCode = exitCode;
});
