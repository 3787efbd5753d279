import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface DemoParties {
  parties: { code: string }[];
  operations: { id: string; members: string[] }[];
  taskForces: { id: string; members: string[] }[];
}

const demo: DemoParties = JSON.parse(readFileSync(join(__dirname, '../../config/demo-parties.json'), 'utf8'));
export const DEMO_PARTY_CODES = demo.parties.map((party) => party.code);

export type TestDistribution =
  | { scope: 'recipients'; recipients: string[] }
  | { scope: 'operation'; operations: string[] }
  | { scope: 'taskForce'; taskForces: string[] }
  | { scope: 'allPartners' };

/** Who must receive a message, computed from the demo parties file alone: the distribution's parties, the sender excepted. */
export function expectedRecipients(distribution: TestDistribution, sender: string): string[] {
  const members = (groups: { id: string; members: string[] }[], ids: string[]) =>
    groups.filter((group) => ids.includes(group.id)).flatMap((group) => group.members);
  const named =
    distribution.scope === 'recipients'
      ? distribution.recipients
      : distribution.scope === 'operation'
        ? members(demo.operations, distribution.operations)
        : distribution.scope === 'taskForce'
          ? members(demo.taskForces, distribution.taskForces)
          : DEMO_PARTY_CODES;
  return [...new Set(named)].filter((party) => party !== sender).sort();
}

/** A small deterministic generator, so that a failing run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

export function randomDistribution(sender: string, random: () => number): TestDistribution {
  const pick = random();
  if (pick < 0.3) return { scope: 'operation', operations: ['OP-HYDRA-2026'] };
  if (pick < 0.55) return { scope: 'taskForce', taskForces: ['OTF-CENTRAL-MED'] };
  if (pick < 0.65) return { scope: 'allPartners' };
  const others = DEMO_PARTY_CODES.filter((party) => party !== sender);
  const count = 1 + Math.floor(random() * 3);
  const recipients = [...others].sort(() => random() - 0.5).slice(0, count);
  return { scope: 'recipients', recipients };
}
