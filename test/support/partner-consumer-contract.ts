import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, Parser, type AsyncAPIDocumentInterface } from '@asyncapi/parser';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The contract a partner's consumer is written against: docs/asyncapi.yaml, parsed, with validators for its messages. */

export const ASYNCAPI_FILE = join(__dirname, '..', '..', 'docs', 'asyncapi.yaml');

export interface JsonSchemaObject {
  readonly type?: string;
  readonly required?: readonly string[];
  readonly properties?: Record<string, JsonSchemaObject>;
  readonly oneOf?: readonly JsonSchemaObject[];
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly examples?: readonly unknown[];
  readonly [keyword: string]: unknown;
}

/** What the document says of one message: its schemas (dereferenced by the parser) and validators for them. */
export interface DescribedMessage {
  readonly payload: JsonSchemaObject;
  readonly headers: JsonSchemaObject;
  readonly key: JsonSchemaObject;
  readonly validPayload: ValidateFunction;
  readonly validHeaders: ValidateFunction;
  readonly validKey: ValidateFunction;
  readonly examples: readonly { headers?: unknown; payload?: unknown }[];
}

export interface PartyTopicsContract {
  readonly document: AsyncAPIDocumentInterface;
  /** The diagnostics of severity error, as `path: message`. */
  readonly errors: readonly string[];
  readonly caseMessage: DescribedMessage;
  readonly erasureNotice: DescribedMessage;
}

/** A JSON Schema compiler for the parsed document's schemas (ajv, with the standard formats). */
export function schemaCompiler(): (schema: JsonSchemaObject) => ValidateFunction {
  // The parser marks every schema with x-parser-* keywords; they are annotations, not rules.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return (schema) => ajv.compile(schema);
}

/** Parses docs/asyncapi.yaml with @asyncapi/parser (its references into cmf-1.schema.json resolved beside it). */
export async function parsePartyTopicsContract(): Promise<PartyTopicsContract> {
  const { document, diagnostics } = await new Parser().parse(readFileSync(ASYNCAPI_FILE, 'utf8'), { source: ASYNCAPI_FILE });
  const errors = diagnostics
    .filter((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error)
    .map((diagnostic) => `${diagnostic.path.join('.')}: ${diagnostic.message}`);
  if (!document) throw new Error(`docs/asyncapi.yaml does not parse:\n${errors.join('\n')}`);
  const compile = schemaCompiler();
  return {
    document,
    errors,
    caseMessage: describedMessage(document, 'caseMessageDelivery', compile),
    erasureNotice: describedMessage(document, 'erasureNotice', compile),
  };
}

function describedMessage(document: AsyncAPIDocumentInterface, id: string, compile: (schema: JsonSchemaObject) => ValidateFunction): DescribedMessage {
  const message = document.components().messages().get(id);
  if (!message) throw new Error(`docs/asyncapi.yaml has no components.messages.${id}`);
  const json = message.json() as {
    payload: JsonSchemaObject;
    headers: JsonSchemaObject;
    bindings: { kafka: { key: JsonSchemaObject } };
    examples?: DescribedMessage['examples'];
  };
  return {
    payload: json.payload,
    headers: json.headers,
    key: json.bindings.kafka.key,
    validPayload: compile(json.payload),
    validHeaders: compile(json.headers),
    validKey: compile(json.bindings.kafka.key),
    examples: json.examples ?? [],
  };
}

/** Why `value` does not validate (empty when it does). */
export const problems = (validate: ValidateFunction, value: unknown): string[] =>
  validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);

/** Why a Kafka record (key, headers and value as UTF-8 text) is not one of the document's two messages (empty when it is). */
export function recordProblems(
  contract: PartyTopicsContract,
  record: { key: string | undefined; headers: Record<string, string>; value: string | undefined },
): string[] {
  let value: unknown;
  try {
    value = JSON.parse(record.value ?? '');
  } catch {
    return ['the value is not JSON'];
  }
  const described = record.headers['message-type'] === 'erasure.notice' ? contract.erasureNotice : contract.caseMessage;
  return [
    ...problems(described.validKey, record.key).map((problem) => `key: ${problem}`),
    ...problems(described.validHeaders, record.headers).map((problem) => `headers: ${problem}`),
    ...problems(described.validPayload, value).map((problem) => `value: ${problem}`),
  ];
}
