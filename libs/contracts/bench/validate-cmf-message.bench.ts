/**
 * The cost of validating one CMF/1 message: the compiled validator (`validateCmfMessage`) against the class-validator
 * reference it is tested against. A measurement, not a test (nothing is asserted); run with:
 *
 *   npx ts-node --transpile-only -r tsconfig-paths/register libs/contracts/bench/validate-cmf-message.bench.ts
 *
 * Each input is parsed from JSON, as the ingest receives it, and validated over and over for rounds of 200 ms; it
 * prints the median µs per message of the rounds after the warm-up ones. On a shared machine, run it twice.
 */
import { validateCmfMessage } from '../src/cmf/validate-cmf-message';
import { validateCmfMessageWithClassValidator } from '../src/cmf/validation/class-validator-reference';
import { exampleHeader, exampleMessage, FIXTURE_NOW, fixtureMessageId, realisticCaseOpened, withValue } from '../src/testing';

type Validate = (input: unknown, options: { readonly now: Date }) => { readonly ok: boolean };

const parsed = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const realistic = realisticCaseOpened('EUROPOL-2026-17', fixtureMessageId(17), 'EUROPOL', FIXTURE_NOW);

const inputs: readonly { readonly name: string; readonly message: unknown; readonly valid: boolean }[] = [
  { name: 'realistic case.opened', message: parsed(realistic), valid: true },
  { name: 'full example case.opened', message: parsed(exampleMessage('case.opened')), valid: true },
  { name: 'small case.updated', message: parsed({ header: exampleHeader('case.updated'), body: { summary: 'New facts.' } }), valid: true },
  // refused messages: a wrong value, and an unknown key (the compiled validator then checks DTO instances)
  { name: 'realistic, a bad date', message: parsed(withValue(realistic, 'body.persons[2].dateOfBirth', '1999-02-30')), valid: false },
  { name: 'realistic, an unknown key', message: parsed(withValue(realistic, 'body.persons[2].nickname', 'x')), valid: false },
];

const validators: Readonly<Record<string, Validate>> = {
  'class-validator': validateCmfMessageWithClassValidator,
  compiled: validateCmfMessage,
};

const ROUND_NS = 200e6;
const WARM_UP_ROUNDS = 3;
const TIMED_ROUNDS = 10;

function microsecondsPerMessage(validate: Validate, input: unknown): number {
  const options = { now: FIXTURE_NOW };
  const perMessage: number[] = [];
  for (let round = 0; round < WARM_UP_ROUNDS + TIMED_ROUNDS; round++) {
    let calls = 0;
    let elapsed = 0;
    const start = process.hrtime.bigint();
    while (elapsed < ROUND_NS) {
      for (let index = 0; index < 100; index++) validate(input, options);
      calls += 100;
      elapsed = Number(process.hrtime.bigint() - start);
    }
    if (round >= WARM_UP_ROUNDS) perMessage.push(elapsed / calls / 1000);
  }
  perMessage.sort((a, b) => a - b);
  return perMessage[Math.floor(perMessage.length / 2)];
}

console.log(
  `${'message'.padEnd(28)}${Object.keys(validators)
    .map((name) => name.padStart(18))
    .join('')}  (µs/message)`,
);
for (const { name, message, valid } of inputs) {
  const figures = Object.values(validators).map((validate) => {
    if (validate(message, { now: FIXTURE_NOW }).ok !== valid) throw new Error(`${name} should ${valid ? '' : 'not '}be valid`);
    return microsecondsPerMessage(validate, message).toFixed(1).padStart(18);
  });
  console.log(`${name.padEnd(28)}${figures.join('')}`);
}
