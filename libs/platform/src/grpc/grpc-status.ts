import { join } from 'node:path';
import { Metadata, status as GrpcCode } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import * as protobuf from 'protobufjs';
import { toErrorResponse } from '../http/error-body';
import { PROTO_DIRECTORY } from './grpc-transport';

/** google.rpc.Status as @grpc/proto-loader gives and takes it: camelCase, but google.protobuf.Any keeps its `type_url`. */
export interface GrpcStatus {
  readonly code: number;
  readonly message: string;
  readonly details: ReadonlyArray<{ readonly type_url: string; readonly value: Buffer }>;
}

export const ERROR_DOMAIN = 'cmx.case-exchange';

const errorDetails = protobuf.loadSync([join(PROTO_DIRECTORY, 'google/rpc/error_details.proto'), join(PROTO_DIRECTORY, 'google/rpc/status.proto')]);
const ErrorInfo = errorDetails.lookupType('google.rpc.ErrorInfo');
const BadRequest = errorDetails.lookupType('google.rpc.BadRequest');
const Status = errorDetails.lookupType('google.rpc.Status');

const CODE_BY_HTTP_STATUS: Readonly<Record<number, GrpcCode>> = {
  400: GrpcCode.INVALID_ARGUMENT,
  401: GrpcCode.UNAUTHENTICATED,
  403: GrpcCode.PERMISSION_DENIED,
  404: GrpcCode.NOT_FOUND,
  409: GrpcCode.ABORTED,
  413: GrpcCode.RESOURCE_EXHAUSTED,
  415: GrpcCode.INVALID_ARGUMENT,
  429: GrpcCode.RESOURCE_EXHAUSTED,
  503: GrpcCode.UNAVAILABLE,
};

/** Reusing a message id for other content is ALREADY_EXISTS; any other 409 (a version, a closed or erased case) is ABORTED. */
const CODE_BY_ERROR: Readonly<Record<string, GrpcCode>> = { message_id_reused: GrpcCode.ALREADY_EXISTS, case_already_exists: GrpcCode.ALREADY_EXISTS };

interface Violation {
  readonly path?: unknown;
  readonly message?: unknown;
}

const pack = (type: protobuf.Type, value: object) => ({
  type_url: `type.googleapis.com/${type.fullName.slice(1)}`,
  value: Buffer.from(type.encode(type.create(value)).finish()),
});

/**
 * Any thrown value as the google.rpc.Status of the same refusal over HTTP: the gRPC code of its HTTP status, the
 * same message, an ErrorInfo with the exchange's error code and HTTP status, and the field violations as BadRequest.
 */
export function grpcStatusOf(error: unknown): { status: GrpcStatus; httpStatus: number } {
  const { status: httpStatus, body } = toErrorResponse(error);
  const code = CODE_BY_ERROR[body.error] ?? CODE_BY_HTTP_STATUS[httpStatus] ?? GrpcCode.INTERNAL;
  const violations = body.details.filter((detail): detail is Violation => typeof detail === 'object' && detail !== null && 'path' in detail);
  const details = [pack(ErrorInfo, { reason: body.error, domain: ERROR_DOMAIN, metadata: { http_status: String(httpStatus) } })];
  if (violations.length > 0) {
    details.push(
      pack(BadRequest, { fieldViolations: violations.map((violation) => ({ field: String(violation.path), description: String(violation.message ?? '') })) }),
    );
  }
  return { status: { code, message: body.message, details }, httpStatus };
}

/** A call-ending failure for grpc-js: its code and message, with the whole google.rpc.Status in the `grpc-status-details-bin` trailer. */
export function grpcCallError(error: unknown): { code: number; details: string; message: string; metadata: Metadata } {
  const { status } = grpcStatusOf(error);
  const metadata = new Metadata();
  metadata.set(
    'grpc-status-details-bin',
    Buffer.from(Status.encode(Status.create({ code: status.code, message: status.message, details: status.details })).finish()),
  );
  return { code: status.code, details: status.message, message: status.message, metadata };
}

/** For a unary handler: Nest passes an RpcException's object to grpc-js as the call's status. */
export function grpcException(error: unknown): RpcException {
  return new RpcException(grpcCallError(error));
}
