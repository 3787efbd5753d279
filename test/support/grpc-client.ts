import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';
import { DEMO_KEYS } from './exchange-client';

const PROTO = join(__dirname, '..', '..', 'proto');
/** The same proto-loader options as the server's and the example's. */
const definition = protoLoader.loadSync('cmx/v1/case_exchange.proto', {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO],
});
const CaseExchangeService = (grpc.loadPackageDefinition(definition) as any).cmx.v1.CaseExchangeService as grpc.ServiceClientConstructor;
const errorDetails = protobuf.loadSync([join(PROTO, 'google/rpc/error_details.proto'), join(PROTO, 'google/rpc/status.proto')]);

export interface GrpcStatusDetails {
  readonly reason?: string;
  readonly httpStatus?: number;
  readonly violations: Array<{ field: string; description: string }>;
}

/** The ErrorInfo and BadRequest of a google.rpc.Status's details. */
export function decodeStatusDetails(details: ReadonlyArray<{ type_url: string; value: Buffer }>): GrpcStatusDetails {
  let reason: string | undefined;
  let httpStatus: number | undefined;
  const violations: Array<{ field: string; description: string }> = [];
  for (const any of details) {
    const type = errorDetails.lookupType(any.type_url.replace('type.googleapis.com/', ''));
    const value = type.toObject(type.decode(any.value)) as any;
    if (type.name === 'ErrorInfo') {
      reason = value.reason;
      httpStatus = Number(value.metadata?.http_status);
    }
    if (type.name === 'BadRequest')
      violations.push(...(value.fieldViolations ?? []).map((violation: any) => ({ field: violation.field, description: violation.description })));
  }
  return { reason, httpStatus, violations };
}

/** The google.rpc.Status of a failed call, from its `grpc-status-details-bin` trailer. */
export function statusOfCallError(thrown: unknown): { code: number; message: string } & GrpcStatusDetails {
  const error = thrown as grpc.ServiceError;
  const [bytes] = error.metadata?.get('grpc-status-details-bin') ?? [];
  if (!bytes) return { code: error.code, message: error.details, violations: [] };
  const Status = errorDetails.lookupType('google.rpc.Status');
  const status = Status.toObject(Status.decode(bytes as Buffer), { bytes: Buffer as any }) as any;
  return {
    code: status.code,
    message: status.message,
    ...decodeStatusDetails((status.details ?? []).map((any: any) => ({ type_url: any.type_url, value: Buffer.from(any.value) }))),
  };
}

/** A party's client of cmx.v1.CaseExchangeService, with its demo API key (or the one given, null for none). */
export function grpcClientOf(address: string, party: string, apiKey: string | null = DEMO_KEYS[party] ?? null): { client: any; metadata: grpc.Metadata } {
  const client = new CaseExchangeService(address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  if (apiKey !== null) metadata.set('authorization', `Bearer ${apiKey}`);
  return { client, metadata };
}

export interface SubmitAnswer {
  readonly correlationId: string;
  readonly httpStatus: number;
  readonly receipt?: { messageId: string; caseId: string; caseVersion: string; position: string; receivedAt: string };
  readonly error?: { code: number; message: string; details: Array<{ type_url: string; value: Buffer }> };
}

/** Streams the messages (one per frame, or `perFrame` in each) and collects every response until the server ends the call. */
export function submitOverStream(
  client: any,
  metadata: grpc.Metadata,
  messages: ReadonlyArray<{ correlationId: string; json: string }>,
  perFrame = 1,
): Promise<SubmitAnswer[]> {
  return new Promise((resolve, reject) => {
    const answers: SubmitAnswer[] = [];
    const call = client.submitMessages(metadata);
    call.on('data', (response: SubmitAnswer) => answers.push(response));
    call.on('error', reject);
    call.on('end', () => resolve(answers));
    for (let start = 0; start < messages.length; start += perFrame) {
      const entries = messages.slice(start, start + perFrame).map((message) => ({ correlationId: message.correlationId, cmfJson: Buffer.from(message.json) }));
      call.write(perFrame === 1 ? entries[0] : { entries });
    }
    call.end();
  });
}

export const unary = <T>(client: any, method: string, request: object, metadata: grpc.Metadata): Promise<T> =>
  new Promise((resolve, reject) =>
    client[method](request, metadata, (error: grpc.ServiceError | null, response: T) => (error ? reject(error) : resolve(response))),
  );
