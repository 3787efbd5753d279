import fc from 'fast-check';
import { boardItemsOf, BoardListName, CaseSummary, CaseSummaryEvent, compareNewestFirst, evolveCaseSummary, listItemOf, RECENT_ITEMS } from '@cmx/read-models';
import {
  amountText,
  erasureRequest,
  eventually,
  projectionsCaughtUp,
  runProjectionsRebuild,
  tokensIn,
  uniqueAmount,
  uniquePhone,
  uniqueToken,
  wholeFeed,
} from './support/erasure';
import { ExchangeClient, HttpAnswer } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';
import { readModelRows } from './support/read-model-rows';

/**
 * Property: in random worlds of cases, persons, documents, payments, distributions, erasures and restrictions,
 * played over HTTP against one embedded exchange (real SQLite engines), once the projector and the dispatcher
 * caught up, every party's every answer (timelines, case summaries, boards, case lists, the whole feed) shows
 * exactly what a reference model of the world says it may: no value of an erased person anywhere, a restricted
 * person as `{ ref, restricted: true }` to everyone but the owner (and in every read model), every other value
 * where the party is entitled to it. The read-model rows hold none either, before and after `npm run
 * projections:rebuild`, which rebuilds them row for row.
 *
 * Values are tokens (support/erasure.ts) unique in the process, made afresh for each run: fast-check chooses the
 * shape of each world, never the values, so a replayed or shrunk world never meets the values of an earlier one.
 */

const PARTIES = ['NCB-IT', 'NCB-GR', 'NCB-ES', 'NCB-NE', 'EUROPOL', 'FRONTEX', 'INTERPOL-GS', 'CMX-DPO'];
const OWNERS = ['NCB-IT', 'NCB-GR', 'NCB-ES'];
const ADMIN = 'EUROPOL';
const GROUPS = {
  operation: { id: 'OP-HYDRA-2026', members: ['NCB-IT', 'NCB-GR', 'EUROPOL'], path: '/v1/operations/OP-HYDRA-2026' },
  taskForce: { id: 'OTF-CENTRAL-MED', members: ['NCB-IT', 'NCB-GR', 'NCB-NE', 'FRONTEX'], path: '/v1/task-forces/OTF-CENTRAL-MED' },
} as const;
const FLAGGED = ['stolen', 'lost', 'forged', 'counterfeit', 'impostor_use'];
const LEGAL = { reason: 'request of the data subject', legalBasis: 'LED Art. 16' };

// ---- the shape of a world, as fast-check draws it ------------------------------------------------------------

type DistributionPlan = { scope: 'operation' | 'taskForce' | 'recipients' | 'allPartners'; recipients: string[] };
type PersonPlan = { alias: boolean; document: 'none' | 'complete' | 'numberLater'; status: string };
type PaymentPlan = [number, number | null];
type StepPlan =
  | {
      kind: 'update';
      byOwner: boolean;
      sender: number;
      distribution: DistributionPlan;
      newPerson: PersonPlan | null;
      alias: number | null;
      laterNumber: number | null;
      newDocument: [number, string] | null;
      payment: PaymentPlan | null;
      summary: boolean;
    }
  | { kind: 'protect'; byAdmin: boolean; op: 'erase' | 'restrict' | 'lift'; whole: boolean; picks: number[]; withVersion: boolean }
  | { kind: 'refused'; which: 'nonOwner' | 'stranger' | 'unknownRef' | 'alreadyErased' | 'staleVersion' | 'afterWhole' | 'repeat' };
interface CasePlan {
  owner: string;
  distribution: DistributionPlan;
  persons: PersonPlan[];
  payments: PaymentPlan[];
  steps: StepPlan[];
}

const distributionArb: fc.Arbitrary<DistributionPlan> = fc.record({
  scope: fc.constantFrom<DistributionPlan['scope']>('operation', 'operation', 'taskForce', 'taskForce', 'recipients', 'allPartners'),
  recipients: fc.subarray(PARTIES, { minLength: 1, maxLength: 3 }),
});
const statusArb = fc.constantFrom('stolen', 'forged', 'genuine', 'counterfeit', 'lost');
const personArb: fc.Arbitrary<PersonPlan> = fc.record({
  alias: fc.boolean(),
  document: fc.constantFrom<PersonPlan['document']>('none', 'complete', 'complete', 'numberLater'),
  status: statusArb,
});
const paymentArb: fc.Arbitrary<PaymentPlan> = fc.tuple(fc.nat(7), fc.option(fc.nat(7), { nil: null }));
const stepArb: fc.Arbitrary<StepPlan> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      byOwner: fc.boolean(),
      sender: fc.nat(7),
      distribution: distributionArb,
      newPerson: fc.option(personArb, { nil: null }),
      alias: fc.option(fc.nat(7), { nil: null }),
      laterNumber: fc.option(fc.nat(7), { nil: null }),
      newDocument: fc.option(fc.tuple(fc.nat(7), statusArb), { nil: null }),
      payment: fc.option(paymentArb, { nil: null }),
      summary: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('protect' as const),
      byAdmin: fc.boolean(),
      op: fc.constantFrom<'erase' | 'restrict' | 'lift'>('erase', 'erase', 'restrict', 'lift'),
      whole: fc.nat(5).map((n) => n === 0),
      picks: fc.array(fc.nat(7), { minLength: 1, maxLength: 3 }),
      withVersion: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('refused' as const),
      which: fc.constantFrom<'nonOwner' | 'stranger' | 'unknownRef' | 'alreadyErased' | 'staleVersion' | 'afterWhole' | 'repeat'>(
        'nonOwner',
        'stranger',
        'unknownRef',
        'alreadyErased',
        'staleVersion',
        'afterWhole',
        'repeat',
      ),
    }),
  },
);
const caseArb: fc.Arbitrary<CasePlan> = fc.record({
  owner: fc.constantFrom(...OWNERS),
  distribution: distributionArb,
  persons: fc.array(personArb, { minLength: 1, maxLength: 4 }),
  payments: fc.array(paymentArb, { maxLength: 2 }),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 6 }),
});
const worldArb = fc.array(caseArb, { minLength: 1, maxLength: 3 });

// ---- the reference model ---------------------------------------------------------------------------------------

type Json = Record<string, any>;
type View = { reader: string } | 'public';
type Withheld = 'erased' | 'restricted';

interface MessageModel {
  readonly kind: 'message';
  readonly messageId: string;
  readonly type: 'case.opened' | 'case.updated';
  readonly header: Json;
  readonly body: Json;
  readonly sender: string;
  /** Who may read it: the sender and the distribution's parties. */
  readonly entitled: ReadonlySet<string>;
  /** Who gets it delivered: the entitled but the sender (no party has a subscription filter). */
  readonly recipients: readonly string[];
  /** The holder of each of its documents, named in the document or carried from an earlier message. */
  readonly holders: ReadonlyMap<string, string>;
  /** The persons whose data it holds (what an erasure of them concerns). */
  readonly persons: ReadonlySet<string>;
  readonly version: number;
  readonly receivedAt: string;
}

interface ProtectionModel {
  readonly kind: 'protection';
  readonly type: 'case.erased' | 'case.restricted' | 'case.restriction_lifted';
  readonly messageId: string;
  readonly requestedBy: string;
  readonly target: { personRefs: string[] } | { wholeCase: true };
  readonly messageIds: readonly string[];
  readonly entitled: ReadonlySet<string>;
  /** case.erased only: the parties sent a notice (those that received a message concerned), with the messages each received. */
  readonly notices: ReadonlyMap<string, string[]>;
  readonly version: number;
}

interface TokenModel {
  /** The keys the value is sealed under: person refs, or '*' for the case's free text. */
  readonly refs: readonly string[];
}

class CaseModel {
  readonly events: (MessageModel | ProtectionModel)[] = [];
  readonly personRefs = new Set<string>();
  readonly erased = new Set<string>();
  /** As the case's state has it (a whole-case restriction names every person of the case then). */
  readonly restricted = new Set<string>();
  wholeErased = false;
  /** A whole-case restriction marks every key of the case, the free text's too, until a whole-case lift. */
  textRestricted = false;
  readonly participants = new Set<string>();
  readonly holders = new Map<string, string>();
  readonly aliased = new Set<string>();
  /** Documents opened without a number, by ref, until an update gives one. */
  readonly numberless = new Set<string>();
  readonly tokens = new Map<string, TokenModel>();
  private nextPerson = 1;
  private nextDocument = 1;

  constructor(
    readonly caseId: string,
    readonly owner: string,
  ) {}

  get version(): number {
    return this.events.length;
  }

  messages(): MessageModel[] {
    return this.events.filter((event): event is MessageModel => event.kind === 'message');
  }

  newPersonRef(): string {
    return `P${this.nextPerson++}`;
  }

  newDocumentRef(): string {
    return `D${this.nextDocument++}`;
  }

  livePersons(): string[] {
    return [...this.personRefs].filter((ref) => !this.erased.has(ref));
  }

  token(kind: string, refs: readonly string[]): string {
    const token = uniqueToken(kind);
    this.tokens.set(token, { refs });
    return token;
  }

  phone(ref: string): string {
    const phone = uniquePhone();
    this.tokens.set(phone, { refs: [ref] });
    return phone;
  }

  amount(refs: readonly string[]): number {
    const amount = uniqueAmount();
    this.tokens.set(amountText(amount), { refs });
    return amount;
  }

  /** What a reader's key access gives for values sealed under `ref` (libs/personal-data keyAccess). */
  access(ref: string, view: View): Withheld | 'open' {
    if (this.wholeErased || this.erased.has(ref)) return 'erased';
    const restricted = ref === '*' ? this.textRestricted : this.restricted.has(ref);
    const opensRestricted = view !== 'public' && view.reader === this.owner;
    return restricted && !opensRestricted ? 'restricted' : 'open';
  }

  /** A value sealed under all of `refs`: erased when any is, else restricted when any is. */
  accessAll(refs: readonly string[], view: View): Withheld | 'open' {
    const states = refs.map((ref) => this.access(ref, view));
    return states.includes('erased') ? 'erased' : states.includes('restricted') ? 'restricted' : 'open';
  }

  /** The message's body as the view may read it. */
  openedBody(message: MessageModel, view: View): Json {
    const body: Json = structuredClone(message.body);
    if (Array.isArray(body.persons)) {
      body.persons = body.persons.map((person: Json) => {
        const state = this.access(person.ref, view);
        return state === 'open' ? person : { ref: person.ref, [state]: true };
      });
    }
    if (Array.isArray(body.documents)) {
      body.documents = body.documents.map((document: Json) => {
        const holder = message.holders.get(document.ref);
        const state = holder === undefined ? 'open' : this.access(holder, view);
        return state === 'open' ? document : { ref: document.ref, [state]: true };
      });
    }
    if (Array.isArray(body.payments)) {
      body.payments = body.payments.map((payment: Json) => {
        const refs = [...new Set([payment.payerRef, payment.payeeRef].filter((ref) => typeof ref === 'string'))];
        const state = refs.length === 0 ? 'open' : this.accessAll(refs, view);
        if (state === 'open') return payment;
        return { ...(payment.payerRef ? { payerRef: payment.payerRef } : {}), ...(payment.payeeRef ? { payeeRef: payment.payeeRef } : {}), [state]: true };
      });
    }
    for (const field of ['title', 'summary']) {
      if (typeof body[field] !== 'string') continue;
      const state = this.access('*', view);
      if (state !== 'open') body[field] = { [state]: true };
    }
    return body;
  }

  /** The case as the reader's case summary holds it: its messages folded as the read models see them. */
  expectedSummary(reader: string): CaseSummary | undefined {
    let summary: CaseSummary | undefined;
    for (const message of this.messages()) {
      if (!message.entitled.has(reader)) continue;
      const event = {
        type: message.type === 'case.opened' ? 'CaseOpened' : 'CaseUpdated',
        streamVersion: message.version,
        position: '0',
        data: {
          message: { header: message.header, body: this.openedBody(message, 'public') },
          receivedAt: message.receivedAt,
          entitledParties: [...message.entitled],
        },
      } as unknown as CaseSummaryEvent;
      summary = evolveCaseSummary(summary, event);
    }
    return summary;
  }

  /** The values of erased persons (and of the whole case once it is erased). */
  erasedTokens(): string[] {
    return [...this.tokens].filter(([, { refs }]) => this.accessAll(refs, 'public') === 'erased').map(([token]) => token);
  }

  /** The values no read model may hold: erased or restricted. */
  withheldTokens(): string[] {
    return [...this.tokens].filter(([, { refs }]) => this.accessAll(refs, 'public') !== 'open').map(([token]) => token);
  }

  /** The case's events in a few words, for the failure messages. */
  describe(): string[] {
    return this.events.map((event) =>
      event.kind === 'message'
        ? `v${event.version} ${event.type} ${event.messageId} by ${event.sender} to ${event.recipients.join(',')} holding ${[...event.persons].join(',')}`
        : `v${event.version} ${event.type} ${JSON.stringify(event.target)} by ${event.requestedBy}: ${event.messageIds.join(',')}`,
    );
  }

  /** Whether the reader sees the case's timeline: it is entitled to one of its events. */
  timelineEvents(reader: string): (MessageModel | ProtectionModel)[] {
    return this.events.filter((event) => event.entitled.has(reader));
  }
}

function entitledOf(distribution: Json, sender: string): Set<string> {
  const named =
    distribution.scope === 'recipients'
      ? distribution.recipients
      : distribution.scope === 'operation'
        ? GROUPS.operation.members
        : distribution.scope === 'taskForce'
          ? GROUPS.taskForce.members
          : PARTIES;
  return new Set([sender, ...named]);
}

function distributionOf(plan: DistributionPlan, sender: string): Json {
  if (plan.scope === 'operation') return { scope: 'operation', operations: [GROUPS.operation.id] };
  if (plan.scope === 'taskForce') return { scope: 'taskForce', taskForces: [GROUPS.taskForce.id] };
  if (plan.scope === 'allPartners') return { scope: 'allPartners' };
  const recipients = plan.recipients.filter((party) => party !== sender);
  return { scope: 'recipients', recipients: recipients.length > 0 ? recipients : [PARTIES.find((party) => party !== sender)!] };
}

// ---- playing a world over HTTP ----------------------------------------------------------------------------------

/** Erasure notices of the feed whose messageIds are not every message concerned. */
const noticeMismatches: string[] = [];

const figures = {
  repeats: 0,
  notices: 0,
  runs: 0,
  cases: 0,
  messages: 0,
  erasures: 0,
  wholeCaseErasures: 0,
  restrictions: 0,
  lifts: 0,
  refusals: 0,
  answers: 0,
  valuesChecked: 0,
  erasedValues: 0,
};

class WorldPlayer {
  readonly cases: CaseModel[] = [];

  constructor(private readonly client: (party: string) => ExchangeClient) {}

  private async send(
    model: CaseModel,
    type: 'case.opened' | 'case.updated',
    sender: string,
    distribution: Json,
    body: Json,
    holders: Map<string, string>,
  ): Promise<void> {
    const message = messageOf(type, { caseId: model.caseId, sender, header: { distribution: distribution as never }, body });
    const answer = await this.client(sender).post(message);
    expect([type, sender, answer.status, answer.body]).toEqual([type, sender, 201, expect.objectContaining({ caseVersion: expect.any(Number) })]);
    const entitled = entitledOf(distribution, sender);
    const persons = new Set<string>([
      ...(body.persons ?? []).map((person: Json) => person.ref),
      ...holders.values(),
      ...(body.payments ?? []).flatMap((payment: Json) => [payment.payerRef, payment.payeeRef].filter((ref) => typeof ref === 'string')),
    ]);
    model.events.push({
      kind: 'message',
      messageId: message.header.messageId,
      type,
      header: message.header as Json,
      body,
      sender,
      entitled,
      recipients: [...entitled].filter((party) => party !== sender).sort(),
      holders,
      persons,
      version: model.version + 1,
      receivedAt: answer.body.receivedAt,
    });
    expect(answer.body.caseVersion).toBe(model.version);
    entitled.forEach((party) => model.participants.add(party));
    for (const person of body.persons ?? []) model.personRefs.add(person.ref);
    for (const [document, holder] of holders) model.holders.set(document, holder);
    figures.messages++;
  }

  private person(model: CaseModel, plan: PersonPlan, role: string, documents: Json[], holders: Map<string, string>): Json {
    const ref = model.newPersonRef();
    const person: Json = {
      ref,
      role,
      familyName: model.token('FAM', [ref]),
      givenNames: model.token('GIV', [ref]),
      identifiers: [{ type: 'phone', value: model.phone(ref) }],
    };
    if (plan.alias) {
      person.aliases = [model.token('ALI', [ref])];
      model.aliased.add(ref);
    }
    if (plan.document !== 'none') {
      const documentRef = model.newDocumentRef();
      const document: Json = { ref: documentRef, type: 'passport', issuingCountry: 'SY', status: plan.status, holderRef: ref };
      if (plan.document === 'complete') document.number = model.token('DOC', [ref]);
      else model.numberless.add(documentRef);
      documents.push(document);
      holders.set(documentRef, ref);
    }
    return person;
  }

  private payment(model: CaseModel, [payerPick, payeePick]: PaymentPlan, among: readonly string[]): Json | undefined {
    if (among.length === 0) return undefined;
    const payerRef = among[payerPick % among.length];
    const payee = payeePick === null ? undefined : among[payeePick % among.length];
    const payeeRef = payee === payerRef ? undefined : payee;
    const refs = payeeRef ? [payerRef, payeeRef] : [payerRef];
    return { method: 'hawala', amount: model.amount(refs), currency: 'EUR', stage: 'upfront', payerRef, ...(payeeRef ? { payeeRef } : {}) };
  }

  async playCase(plan: CasePlan): Promise<CaseModel> {
    const model = new CaseModel(newCaseId(), plan.owner);
    this.cases.push(model);
    figures.cases++;
    const documents: Json[] = [];
    const holders = new Map<string, string>();
    const roles = ['organiser', 'driver', 'facilitator', 'money_courier'];
    const persons = plan.persons.map((person, index) => this.person(model, person, roles[index % roles.length], documents, holders));
    const refs = persons.map((person) => person.ref as string);
    const payments = plan.payments.map((payment) => this.payment(model, payment, refs)!).filter(Boolean);
    const body: Json = {
      title: `Departures ${model.token('TTL', ['*'])}`,
      summary: `Paid by hawala ${model.token('SUM', ['*'])}`,
      crimeAreas: ['migrant_smuggling'],
      persons,
      ...(documents.length > 0 ? { documents } : {}),
      ...(payments.length > 0 ? { payments } : {}),
    };
    await this.send(model, 'case.opened', plan.owner, distributionOf(plan.distribution, plan.owner), body, holders);
    for (const step of plan.steps) {
      if (step.kind === 'update') await this.update(model, step);
      else if (step.kind === 'protect') await this.protect(model, step);
      else await this.refused(model, step.which);
    }
    return model;
  }

  private async update(model: CaseModel, step: Extract<StepPlan, { kind: 'update' }>): Promise<void> {
    if (model.wholeErased) return;
    const participants = [...model.participants].sort();
    const sender = step.byOwner ? model.owner : participants[step.sender % participants.length];
    const body: Json = {};
    const persons: Json[] = [];
    const documents: Json[] = [];
    const holders = new Map<string, string>();
    const live = model.livePersons().sort();
    // Documents of earlier messages only: one of this message is given once in it.
    const numberless = [...model.numberless].filter((document) => !model.erased.has(model.holders.get(document)!)).sort();
    if (step.newPerson) persons.push(this.person(model, step.newPerson, 'migrant', documents, holders));
    const aliasable = live.filter((ref) => !model.aliased.has(ref));
    if (step.alias !== null && aliasable.length > 0) {
      const ref = aliasable[step.alias % aliasable.length];
      persons.push({ ref, aliases: [model.token('ALI', [ref])] });
      model.aliased.add(ref);
    }
    if (step.laterNumber !== null && numberless.length > 0) {
      // No holderRef: the document's holder is carried from the message that named it, and seals its number.
      const document = numberless[step.laterNumber % numberless.length];
      const holder = model.holders.get(document)!;
      documents.push({ ref: document, number: model.token('DOC', [holder]) });
      holders.set(document, holder);
      model.numberless.delete(document);
    }
    if (step.newDocument && live.length > 0) {
      const holder = live[step.newDocument[0] % live.length];
      const document = model.newDocumentRef();
      documents.push({
        ref: document,
        type: 'id_card',
        number: model.token('DOC', [holder]),
        issuingCountry: 'LY',
        status: step.newDocument[1],
        holderRef: holder,
      });
      holders.set(document, holder);
    }
    const payable = [...live, ...persons.filter((person) => person.familyName).map((person) => person.ref as string)];
    const payment = step.payment && this.payment(model, step.payment, payable);
    if (persons.length > 0) body.persons = persons;
    if (documents.length > 0) body.documents = documents;
    if (payment) body.payments = [payment];
    if (step.summary || Object.keys(body).length === 0) body.summary = `Update ${model.token('SUM', ['*'])}`;
    await this.send(model, 'case.updated', sender, distributionOf(step.distribution, sender), body, holders);
  }

  /** The answer the exchange must give to a protection request (libs/case-domain decideProtection). */
  private expectedAnswer(
    model: CaseModel,
    caller: string,
    kind: 'erase' | 'restrict' | 'lift',
    target: { personRefs: string[] } | { wholeCase: true },
    expectedCaseVersion?: number,
  ): [number, string?] {
    if (caller !== model.owner && caller !== ADMIN) return model.participants.has(caller) ? [403, 'not_case_owner'] : [404, 'case_not_found'];
    if (expectedCaseVersion !== undefined && expectedCaseVersion !== model.version) return [409, 'case_version_mismatch'];
    if (model.wholeErased) return [409, 'case_erased'];
    if ('personRefs' in target) {
      if (target.personRefs.some((ref) => !model.personRefs.has(ref))) return [400, 'unknown_person_ref'];
      const unchanged = target.personRefs.some(
        (ref) => model.erased.has(ref) || (kind === 'restrict' && model.restricted.has(ref)) || (kind === 'lift' && !model.restricted.has(ref)),
      );
      if (unchanged) return [409, 'protection_unchanged'];
    } else if (kind === 'lift' && model.restricted.size === 0) return [409, 'protection_unchanged'];
    return [201];
  }

  private async request(
    model: CaseModel,
    caller: string,
    kind: 'erase' | 'restrict' | 'lift',
    target: { personRefs: string[] } | { wholeCase: true },
    expectedCaseVersion?: number,
  ): Promise<HttpAnswer> {
    const body = {
      ...target,
      ...(kind === 'restrict' ? { restrict: true } : kind === 'lift' ? { liftRestriction: true } : {}),
      ...LEGAL,
      ...(expectedCaseVersion !== undefined ? { expectedCaseVersion } : {}),
    };
    const [status, code] = this.expectedAnswer(model, caller, kind, target, expectedCaseVersion);
    const answer = await erasureRequest(this.client(caller), model.caseId, body);
    expect({ caseId: model.caseId, caller, request: body, status: answer.status, error: answer.body?.error }).toEqual({
      caseId: model.caseId,
      caller,
      request: body,
      status,
      error: code,
    });
    if (status !== 201) {
      figures.refusals++;
      // Nothing changed: the case's version is where it was.
      expect((await this.client(model.owner).timeline(model.caseId)).body.version).toBe(model.version);
      return answer;
    }
    this.applied(model, caller, kind, target, answer);
    return answer;
  }

  /** The model after an accepted protection (libs/case-domain evolveProtection and concernedMessages). */
  private applied(
    model: CaseModel,
    caller: string,
    kind: 'erase' | 'restrict' | 'lift',
    target: { personRefs: string[] } | { wholeCase: true },
    answer: HttpAnswer,
  ): void {
    const refs = 'wholeCase' in target ? [...model.personRefs] : target.personRefs;
    const concerned = model.messages().filter((message) => 'wholeCase' in target || refs.some((ref) => message.persons.has(ref)));
    const entitled = new Set([...concerned.flatMap((message) => [...message.entitled]), model.owner, caller]);
    const notices = new Map<string, string[]>();
    if (kind === 'erase') {
      for (const message of concerned) for (const party of message.recipients) notices.set(party, [...(notices.get(party) ?? []), message.messageId]);
    }
    model.events.push({
      kind: 'protection',
      type: kind === 'erase' ? 'case.erased' : kind === 'restrict' ? 'case.restricted' : 'case.restriction_lifted',
      messageId: answer.body.messageId,
      requestedBy: caller,
      target,
      messageIds: concerned.map((message) => message.messageId),
      entitled,
      notices,
      version: model.version + 1,
    });
    expect(answer.body.caseVersion).toBe(model.version);
    if (kind === 'erase') {
      refs.forEach((ref) => (model.erased.add(ref), model.restricted.delete(ref)));
      if ('wholeCase' in target) model.wholeErased = true;
      figures.erasures++;
      if ('wholeCase' in target) figures.wholeCaseErasures++;
    } else if (kind === 'restrict') {
      refs.forEach((ref) => model.restricted.add(ref));
      if ('wholeCase' in target) model.textRestricted = true;
      figures.restrictions++;
    } else {
      refs.forEach((ref) => model.restricted.delete(ref));
      if ('wholeCase' in target) model.textRestricted = false;
      figures.lifts++;
    }
  }

  /**
   * Reads the boards and the case summary before a protection, so that the query's rendered boards hold the case as
   * it was: after the erasure they must be rendered again, not answered from memory.
   */
  private async readBeforehand(model: CaseModel): Promise<void> {
    await projectionsCaughtUp(this.client(model.owner));
    for (const group of Object.values(GROUPS)) {
      for (const member of group.members) expect((await this.client(member).request('GET', group.path)).status).toBe(200);
    }
    await this.client(model.owner).request('GET', `/v1/cases/${model.caseId}`);
  }

  private async protect(model: CaseModel, step: Extract<StepPlan, { kind: 'protect' }>): Promise<void> {
    await this.readBeforehand(model);
    const caller = step.byAdmin ? ADMIN : model.owner;
    const live = model.livePersons().sort();
    const candidates =
      step.op === 'erase' ? live : step.op === 'restrict' ? live.filter((ref) => !model.restricted.has(ref)) : live.filter((ref) => model.restricted.has(ref));
    const picked = [...new Set(step.picks.map((pick) => candidates[pick % Math.max(candidates.length, 1)]).filter(Boolean))];
    const whole = step.whole || picked.length === 0;
    const target = whole ? { wholeCase: true as const } : { personRefs: picked };
    await this.request(model, caller, step.op, target, step.withVersion ? model.version : undefined);
  }

  private async refused(model: CaseModel, which: Extract<StepPlan, { kind: 'refused' }>['which']): Promise<void> {
    const someRef = [...model.personRefs].sort()[0];
    switch (which) {
      case 'nonOwner': {
        // A party that received the case's messages but neither owns it nor is an admin: 403.
        const party = [...model.participants].sort().find((candidate) => candidate !== model.owner && candidate !== ADMIN);
        if (party) await this.request(model, party, 'erase', { personRefs: [someRef] });
        return;
      }
      case 'stranger': {
        const party = PARTIES.find((candidate) => !model.participants.has(candidate) && candidate !== ADMIN && candidate !== model.owner);
        if (party) await this.request(model, party, 'erase', { personRefs: [someRef] });
        return;
      }
      case 'unknownRef':
        await this.request(model, model.owner, 'erase', { personRefs: [someRef, 'PX99'] });
        return;
      case 'alreadyErased': {
        const erased = [...model.erased].sort()[0];
        if (erased) await this.request(model, model.owner, 'erase', { personRefs: [erased] });
        return;
      }
      case 'staleVersion':
        await this.request(model, model.owner, 'erase', { personRefs: [someRef] }, model.version - 1);
        return;
      case 'repeat': {
        // The last message again, same id and content: its first receipt (200), unless persons of it were erased since (409).
        const message = model.messages().at(-1)!;
        const erasedSince = JSON.stringify(model.openedBody(message, { reader: model.owner })).includes('"erased":true');
        const answer = await this.client(message.sender).post({ header: message.header, body: message.body });
        expect([model.caseId, 'repeat', answer.status, answer.body?.error ?? answer.body?.caseVersion]).toEqual([
          model.caseId,
          'repeat',
          erasedSince ? 409 : 200,
          erasedSince ? 'message_erased' : message.version,
        ]);
        figures.repeats++;
        return;
      }
      case 'afterWhole': {
        if (!model.wholeErased) return;
        const answer = await this.client(model.owner).post(
          messageOf('case.updated', { caseId: model.caseId, sender: model.owner, body: { summary: 'after the erasure' } }),
        );
        expect([model.caseId, answer.status, answer.body?.error]).toEqual([model.caseId, 409, 'case_erased']);
        figures.refusals++;
        return;
      }
    }
  }
}

// ---- checking every answer against the model ---------------------------------------------------------------

/** Every token of the run's cases and of everything erased so far: each is asserted present or absent in the text. */
function checkTokens(what: string, text: string, present: ReadonlySet<string>, universe: Iterable<string>): void {
  const found = tokensIn(text);
  const missing = [...present].filter((token) => !found.has(token));
  const unexpected = [...universe].filter((token) => found.has(token) && !present.has(token));
  expect({ what, missing, unexpected }).toEqual({ what, missing: [], unexpected: [] });
  figures.valuesChecked += new Set([...universe, ...present]).size;
  figures.answers++;
}

const stringTokens = (value: unknown): Set<string> => tokensIn(JSON.stringify(value));

async function checkWorld(cases: readonly CaseModel[], client: (party: string) => ExchangeClient, everErased: ReadonlySet<string>): Promise<void> {
  const runTokens = new Set(cases.flatMap((model) => [...model.tokens.keys()]));
  const universe = new Set([...runTokens, ...everErased]);

  // The dispatcher has caught up once every party's feed holds what the model says, erasure notices included.
  const expectedFeed = (party: string, model: CaseModel) =>
    model.events.flatMap((event) =>
      event.kind === 'message'
        ? event.recipients.includes(party)
          ? [{ type: event.type, messageId: event.messageId }]
          : []
        : event.notices.has(party)
          ? [{ type: 'erasure.notice', messageId: event.messageId }]
          : [],
    );
  const caseIds = new Set(cases.map((model) => model.caseId));
  const feeds = new Map<string, Awaited<ReturnType<typeof wholeFeed>>>();
  for (const party of PARTIES) {
    const count = cases.reduce((sum, model) => sum + expectedFeed(party, model).length, 0);
    feeds.set(
      party,
      await eventually(
        () => wholeFeed(client(party)),
        (feed) => feed.items.filter((item) => caseIds.has(item.delivery.caseId)).length >= count,
        `${party}'s feed`,
      ),
    );
  }
  await projectionsCaughtUp(client('NCB-IT'));

  for (const party of PARTIES) {
    const view = { reader: party };
    // The feed from cursor 0: this run's deliveries exactly as the model says, opened for the party; nothing erased anywhere in it.
    const feed = feeds.get(party)!;
    const feedPresent = new Set<string>();
    for (const model of cases) {
      const items = feed.items.filter((item) => item.delivery.caseId === model.caseId);
      expect([party, model.caseId, items.map((item) => ({ type: item.delivery.type, messageId: item.delivery.messageId }))]).toEqual([
        party,
        model.caseId,
        expectedFeed(party, model),
      ]);
      for (const item of items) {
        const event = model.events.find((candidate) => candidate.messageId === item.delivery.messageId)!;
        if (event.kind === 'message') {
          const body = model.openedBody(event, view);
          expect([party, 'feed', event.messageId, item.delivery.body]).toEqual([party, 'feed', event.messageId, body]);
          stringTokens(body).forEach((token) => feedPresent.add(token));
        } else {
          expect([party, 'notice', model.describe(), item.delivery]).toEqual([
            party,
            'notice',
            model.describe(),
            expect.objectContaining({ type: 'erasure.notice', caseId: model.caseId, ...event.target, reason: LEGAL.reason }),
          ]);
          // Checked apart (see the test on notices below), so that the rest of the property still runs.
          if (JSON.stringify(item.delivery.messageIds) !== JSON.stringify(event.messageIds)) {
            noticeMismatches.push(
              `${party}, notice ${event.messageId} of ${model.caseId}: names ${JSON.stringify(item.delivery.messageIds)}, concerned ${JSON.stringify(event.messageIds)}`,
            );
          }
          figures.notices++;
        }
      }
    }
    checkTokens(`${party}'s feed`, feed.text, feedPresent, universe);

    for (const model of cases) {
      // The timeline: exactly the events the party is entitled to, each message opened for it.
      const events = model.timelineEvents(party);
      const timeline = await client(party).timeline(model.caseId, { limit: 500 });
      if (events.length === 0) {
        expect([party, model.caseId, timeline.status]).toEqual([party, model.caseId, 404]);
      } else {
        expect([party, model.caseId, timeline.status, timeline.body.version]).toEqual([party, model.caseId, 200, model.version]);
        const expected = events.map((event) =>
          event.kind === 'message'
            ? { messageId: event.messageId, type: event.type, body: model.openedBody(event, view) }
            : { messageId: event.messageId, type: event.type, body: { ...event.target, ...LEGAL, messageIds: event.messageIds } },
        );
        const actual = timeline.body.entries.map((entry: Json) => ({ messageId: entry.messageId, type: entry.type, body: entry.body }));
        expect([party, model.caseId, actual]).toEqual([party, model.caseId, expected]);
      }
      const timelinePresent = stringTokens(
        events.filter((event): event is MessageModel => event.kind === 'message').map((event) => model.openedBody(event, view)),
      );
      checkTokens(`${party}'s timeline of ${model.caseId}`, JSON.stringify(timeline.body), timelinePresent, universe);

      // The case summary: the read model, folded from the messages as every read model sees them.
      const summary = model.expectedSummary(party);
      const answer = await client(party).request('GET', `/v1/cases/${model.caseId}`);
      if (!summary) expect([party, model.caseId, answer.status]).toEqual([party, model.caseId, 404]);
      else expect([party, model.caseId, answer.status, answer.body]).toEqual([party, model.caseId, 200, summary]);
      checkTokens(`${party}'s summary of ${model.caseId}`, JSON.stringify(answer.body), stringTokens(summary ?? {}), universe);
    }

    // Boards and case lists of the groups the party is a member of.
    for (const [kind, group] of Object.entries(GROUPS)) {
      if (!(group.members as readonly string[]).includes(party)) continue;
      const onBoard = cases
        .map((model) => model.expectedSummary(party))
        .filter((summary): summary is CaseSummary => {
          if (!summary) return false;
          return kind === 'operation' ? summary.operations.includes(group.id) : summary.taskForces.includes(group.id);
        });
      const flaggedDocuments = onBoard.flatMap((summary) => summary.documents.filter((document) => document.status && FLAGGED.includes(document.status)));
      const flagged = new Set(flaggedDocuments.flatMap((document) => (typeof document.number === 'string' ? [document.number] : [])));
      const board = await client(party).request('GET', group.path);
      expect([party, group.path, board.status]).toEqual([party, group.path, 200]);
      const ofRun = (items: Json[]) => items.filter((item) => caseIds.has(item.caseId));
      expect([party, group.id, ofRun(board.body.flaggedDocuments.recent).length <= flaggedDocuments.length]).toEqual([party, group.id, true]);
      // The board shows the newest flagged documents only: all of them while there are few, never another value.
      const shown = new Set([...tokensIn(JSON.stringify(board.body.flaggedDocuments.recent))].filter((token) => flagged.has(token)));
      checkTokens(`${party}'s board ${group.id}`, JSON.stringify(board.body), board.body.flaggedDocuments.total <= RECENT_ITEMS ? flagged : shown, universe);

      // The board's lists of documents and persons, paged: each item as the case summary shows it (an erased person, and a
      // document it holds, by ref alone), newest first; persons with no name, alias or identifier.
      for (const list of ['documents', 'persons'] as BoardListName[]) {
        const expected = onBoard
          .flatMap((summary) => boardItemsOf(summary))
          .filter((item) => item.list === list)
          .sort(compareNewestFirst)
          .map((item) => listItemOf(item));
        const read: Json[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await client(party).request('GET', `${group.path}/${list}?limit=25${after ? `&after=${after}` : ''}`);
          expect([party, `${group.path}/${list}`, page.status]).toEqual([party, `${group.path}/${list}`, 200]);
          read.push(...page.body.items);
          if (!page.body.nextCursor) break;
          after = page.body.nextCursor;
        }
        expect([party, group.id, list, ofRun(read)]).toEqual([party, group.id, list, expected]);
        checkTokens(`${party}'s ${list} of ${group.id}`, JSON.stringify(read), stringTokens(expected), universe);
      }

      const listed: Json[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await client(party).request('GET', `${group.path}/cases?limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`);
        expect([party, `${group.path}/cases`, page.status]).toEqual([party, `${group.path}/cases`, 200]);
        listed.push(...page.body.cases);
        if (!page.body.nextCursor) break;
        after = page.body.nextCursor;
      }
      for (const summary of onBoard) {
        const listing = listed.find((candidate) => candidate.caseId === summary.caseId);
        expect([party, group.id, summary.caseId, listing?.title]).toEqual([party, group.id, summary.caseId, summary.title]);
      }
      const listedOfRun = listed
        .filter((listing) => caseIds.has(listing.caseId))
        .map((listing) => listing.caseId)
        .sort();
      expect([party, group.id, listedOfRun]).toEqual([party, group.id, onBoard.map((summary) => summary.caseId).sort()]);
      const titles = new Set(onBoard.flatMap((summary) => (typeof summary.title === 'string' ? [...tokensIn(summary.title)] : [])));
      checkTokens(`${party}'s case list of ${group.id}`, JSON.stringify(listed), titles, universe);
    }
  }
}

// ---- the property ---------------------------------------------------------------------------------------------

describe('erasure, end to end (property: no answer and no read model shows what was erased; everything else stays)', () => {
  let exchange: InProcessExchange;
  const client = (party: string) => new ExchangeClient(exchange.baseUrl, party);
  /** Every value erased in every run so far: none may show anywhere, ever again. */
  const everErased = new Set<string>();
  /** Values restricted at the end of their run (no later run touches an earlier run's cases): no read model may hold them. */
  const withheld = new Set<string>();
  /** Values some case summary held at the end of their run: still in the read models, and after a rebuild. */
  const kept = new Set<string>();

  beforeAll(async () => {
    // One case in memory: every erasure's refold reads the case's rows back from the tables.
    exchange = await startInProcessExchange({ PROJECTOR_CASES_IN_MEMORY: '1' });
  });
  afterAll(() => exchange?.close());

  it('for random worlds of cases, persons, erasures and restrictions, every party sees exactly what it may', async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        figures.runs++;
        const player = new WorldPlayer(client);
        for (const plan of world) await player.playCase(plan);
        for (const model of player.cases) model.erasedTokens().forEach((token) => everErased.add(token));
        await checkWorld(player.cases, client, everErased);
        for (const model of player.cases) {
          model.withheldTokens().forEach((token) => withheld.add(token));
          for (const party of PARTIES) stringTokens(model.expectedSummary(party) ?? {}).forEach((token) => kept.add(token));
        }
      }),
      { numRuns: Number(process.env.ERASURE_PROPERTY_RUNS ?? 40), seed: Number(process.env.ERASURE_PROPERTY_SEED ?? 20261202), endOnFailure: true },
    );
    figures.erasedValues = everErased.size;
    console.log(
      `erasure property: ${figures.runs} runs, ${figures.cases} cases, ${figures.messages} messages, ${figures.erasures} erasures ` +
        `(${figures.wholeCaseErasures} whole cases), ${figures.restrictions} restrictions, ${figures.lifts} lifts, ${figures.refusals} refused requests, ${figures.repeats} repeated messages; ` +
        `${figures.answers} answers checked, ${figures.valuesChecked} value checks, ${figures.erasedValues} erased values, ${figures.notices} erasure notices ` +
        `(${noticeMismatches.length} not naming every message concerned); ${Date.now() - started} ms`,
    );
  }, 120_000);

  it('the read-model rows hold no erased or restricted value, before and after npm run projections:rebuild, which rebuilds them row for row', async () => {
    expect(everErased.size).toBeGreaterThan(0);
    const check = (rows: Record<string, unknown[]>, when: string) => {
      const found = tokensIn(JSON.stringify(rows));
      const leaked = [...everErased, ...withheld].filter((token) => found.has(token));
      const lost = [...kept].filter((token) => !found.has(token));
      expect({ when, leaked, lost }).toEqual({ when, leaked: [], lost: [] });
    };
    const env = { DATA_DIR: exchange.dataDir };
    const live = await readModelRows(env);
    check(live, 'live');

    const started = Date.now();
    const rebuild = await runProjectionsRebuild({ DATA_DIR: exchange.dataDir, EVENT_STORE: 'sqlite' }, ['--parts', '2']);
    expect([rebuild.code, rebuild.stderr.split('\n').filter((line) => /error/i.test(line))]).toEqual([0, []]);
    const rebuilt = await readModelRows(env);
    check(rebuilt, 'rebuilt');
    expect(rebuilt).toEqual(live);
    console.log(
      `erasure property, read models: ${Object.values(live).reduce((sum, rows) => sum + rows.length, 0)} rows checked live and rebuilt ` +
        `(rebuild ${Date.now() - started} ms) for ${everErased.size} erased and ${withheld.size} restricted values absent, ${kept.size} kept values present`,
    );
  }, 120_000);

  it('a case.updated naming again, without holderRef, a document of an erased person is refused with 400 person_erased (not a 500)', async () => {
    const owner = client('NCB-IT');
    const caseId = newCaseId();
    const distribution = { scope: 'recipients', recipients: ['NCB-GR'] } as never;
    const opened = messageOf('case.opened', {
      caseId,
      header: { distribution },
      body: {
        title: 'Document of an erased person',
        persons: [
          { ref: 'P1', familyName: uniqueToken('FAM') },
          { ref: 'P2', familyName: uniqueToken('FAM') },
        ],
        documents: [{ ref: 'D2', type: 'passport', number: uniqueToken('DOC'), status: 'stolen', holderRef: 'P2' }],
      },
    });
    expect((await owner.post(opened)).status).toBe(201);
    expect((await erasureRequest(owner, caseId, { personRefs: ['P2'], ...LEGAL })).status).toBe(201);

    // D2 is P2's (named so in case.opened): the gateway seals it under P2's key, which is destroyed.
    const remention = await owner.post(messageOf('case.updated', { caseId, header: { distribution }, body: { documents: [{ ref: 'D2', status: 'forged' }] } }));
    expect([remention.status, remention.body?.error]).toEqual([400, 'person_erased']);
    expect((await owner.timeline(caseId)).body.version).toBe(2);
  }, 30_000);

  it('an erasure notice goes to every party that received a message concerned, and names every message concerned', async () => {
    // NCB-IT opens the case to NCB-GR and EUROPOL; NCB-GR sends an update to NCB-ES and EUROPOL; P1 is in both.
    const caseId = newCaseId();
    const opened = messageOf('case.opened', {
      caseId,
      header: { distribution: { scope: 'recipients', recipients: ['NCB-GR', 'EUROPOL'] } as never },
      body: { title: 'Notices', persons: [{ ref: 'P1', familyName: uniqueToken('FAM') }] },
    });
    const updated = messageOf('case.updated', {
      caseId,
      sender: 'NCB-GR',
      header: { distribution: { scope: 'recipients', recipients: ['NCB-ES', 'EUROPOL'] } as never },
      body: { persons: [{ ref: 'P1', aliases: [uniqueToken('ALI')] }] },
    });
    expect((await client('NCB-IT').post(opened)).status).toBe(201);
    expect((await client('NCB-GR').post(updated)).status).toBe(201);
    const erasure = await erasureRequest(client('NCB-IT'), caseId, { personRefs: ['P1'], ...LEGAL });
    expect(erasure.status).toBe(201);

    const noticeOf = async (party: string) =>
      (
        await eventually(
          () => wholeFeed(client(party)),
          ({ items }) => items.some((item) => item.delivery.caseId === caseId && item.delivery.type === 'erasure.notice'),
          `${party}'s notice`,
        )
      ).items.find((item) => item.delivery.caseId === caseId && item.delivery.type === 'erasure.notice')!.delivery.messageIds;
    const named = { 'NCB-GR': await noticeOf('NCB-GR'), EUROPOL: await noticeOf('EUROPOL'), 'NCB-ES': await noticeOf('NCB-ES') };
    const concerned = [opened.header.messageId, updated.header.messageId];
    expect(named).toEqual({ 'NCB-GR': concerned, EUROPOL: concerned, 'NCB-ES': concerned });
    const stranger = (await wholeFeed(client('FRONTEX'))).items.filter((item) => item.delivery.caseId === caseId);
    expect(stranger).toEqual([]);
    // And in the random worlds of the property above.
    expect(noticeMismatches.slice(0, 10)).toEqual([]);
  }, 30_000);
});
