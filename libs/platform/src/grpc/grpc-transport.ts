import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { GrpcOptions, Transport } from '@nestjs/microservices';
import type { RequestActor } from '../audit/request-actor';
import { clientRequestId } from '../audit/request-actor';
import type { Authenticator } from '../auth/authenticator';

function protoDirectory(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'proto', 'cmx', 'v1', 'case_exchange.proto'))) return join(dir, 'proto');
    if (dirname(dir) === dir) throw new Error('proto/cmx/v1/case_exchange.proto not found above ' + from);
  }
}

/** The repository's proto/ folder, found upwards from here so that it works from the sources and from dist/. */
export const PROTO_DIRECTORY = protoDirectory(__dirname);
export const GRPC_SERVICE = 'CaseExchangeService';

/** @grpc/proto-loader options: the server's and the examples' must agree (camelCase fields, 64-bit numbers as strings). */
export const PROTO_LOADER_OPTIONS = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIRECTORY] };

const MAX_GRPC_MESSAGE_BYTES = 32 * 1024 * 1024;

/** Serves the gRPC methods of the app's controllers (proto/cmx/v1) on host:port, beside its HTTP server. */
export async function startGrpcServer(app: INestApplication, host: string, port: number): Promise<void> {
  app.connectMicroservice<GrpcOptions>({
    transport: Transport.GRPC,
    options: {
      package: 'cmx.v1',
      protoPath: 'cmx/v1/case_exchange.proto',
      url: `${host}:${port}`,
      loader: PROTO_LOADER_OPTIONS,
      maxReceiveMessageLength: MAX_GRPC_MESSAGE_BYTES,
      gracefulShutdown: true,
    },
  });
  await app.startAllMicroservices();
}

/** The caller of a gRPC call, from its `authorization`, `purpose`, `on-behalf-of` and `x-request-id` metadata. */
export function actorOfCall(authenticator: Authenticator, metadata: Metadata): RequestActor {
  const text = (name: string): string | string[] | undefined => {
    const values = metadata.get(name).map((value) => (typeof value === 'string' ? value : value.toString('utf8')));
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  };
  const requestId = clientRequestId(text('x-request-id')) ?? randomUUID();
  return authenticator.authenticate(text('authorization'), { purpose: text('purpose'), 'on-behalf-of': text('on-behalf-of') }, requestId);
}
