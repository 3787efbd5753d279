import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { exampleMessage } from '@cmx/contracts/testing';
import { describeWithChromium, launchChromium, newPage, PageGlobals, PageWatch, screenshot, settle, waitInPage, watchPage } from './support/browser';
import { DEMO_KEYS, ExchangeClient } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';

// The coordinators' console (apps/console, served at /console/ by the all-in-one exchange) in Chromium, against an
// exchange on its own SQLite store, each figure checked against what the HTTP API answers the same party.
// Needs the built console (`npm run -s build`, which `npm test` runs first). Screenshots: artifacts/console/.
const OPERATION = 'OP-HYDRA-2026'; // NCB-IT, NCB-GR, EUROPOL (config/demo-parties.json)
const TASK_FORCE = 'OTF-CENTRAL-MED'; // NCB-IT, NCB-GR, NCB-NE, FRONTEX
const HYDRA = { scope: 'operation', operations: [OPERATION] };
const OUTSIDER = 'FRONTEX'; // in the task force, not in the operation
const FIGURES = [
  'total-cases',
  'total-open',
  'total-closed',
  'interceptions-total',
  'interceptions-migrants',
  'interceptions-deaths',
  'interceptions-missing',
] as const;
type Figures = Record<(typeof FIGURES)[number], string>;
/** Each test's bound: above the 20 s a page wait may take (a failing wait then ends in its assertion, not here). */
const TEST_MS = 60_000;

describeWithChromium('the coordinators’ console in Chromium', (executablePath) => {
  let exchange: InProcessExchange;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const watches: PageWatch[] = [];
  const client = (party: string) => new ExchangeClient(exchange.baseUrl, party);
  const first = newCaseId(); // NCB-IT's, on the operation, with an interception and a message of NCB-GR
  const second = newCaseId(); // NCB-IT's, opened and closed on the operation
  const third = newCaseId('GR'); // NCB-GR's, to NCB-IT alone: on no board, and FRONTEX may not see it

  const post = async (party: string, message: unknown) => {
    const answer = await client(party).post(message);
    expect([answer.status, answer.body]).toEqual([201, expect.anything()]);
  };
  const board = async (party = 'NCB-IT') => {
    const answer = await client(party).request('GET', `/v1/operations/${OPERATION}`);
    expect(answer.status).toBe(200);
    return answer.body;
  };
  /** The board's figures the console shows, as the API gives them (the lists of the answer are left aside). */
  const figuresOf = (body: any): Figures => ({
    'total-cases': String(body.cases.total),
    'total-open': String(body.cases.open),
    'total-closed': String(body.cases.closed),
    'interceptions-total': String(body.interceptions.total),
    'interceptions-migrants': String(body.interceptions.migrants),
    'interceptions-deaths': String(body.interceptions.deaths),
    'interceptions-missing': String(body.interceptions.missing),
  });

  beforeAll(async () => {
    exchange = await startInProcessExchange();
    await post(
      'NCB-IT',
      messageOf('case.opened', {
        caseId: first,
        header: { distribution: HYDRA as never, priority: 'urgent' },
        body: { ...exampleMessage('case.opened').body, title: 'Zuwara departures', migrants: undefined },
      }),
    );
    await post(
      'NCB-IT',
      messageOf('interception.reported', {
        caseId: first,
        header: { distribution: HYDRA as never, priority: 'routine' },
        body: {
          occurredAt: '2026-03-14T01:00:00Z',
          location: { ref: 'L3', kind: 'landing_point', name: 'Lampedusa harbour', country: 'IT', lat: 35.5, lon: 12.6 },
          mode: 'sea',
          conveyance: 'rubber_dinghy',
          migrants: { count: 40, deaths: 2, missing: 3 },
        },
      }),
    );
    // The fixture's update: a second departure point (Sabratha), from another member.
    await post('NCB-GR', messageOf('case.updated', { caseId: first, sender: 'NCB-GR', header: { distribution: HYDRA as never, priority: 'routine' } }));
    await post(
      'NCB-IT',
      messageOf('case.opened', {
        caseId: second,
        header: { distribution: HYDRA as never, priority: 'routine' },
        body: {
          title: 'Balkan lorries',
          crimeAreas: ['migrant_smuggling'],
          route: {
            name: 'western_balkan',
            legs: [
              {
                from: { country: 'RS', place: 'Subotica', lat: 46.1, lon: 19.67 },
                to: { country: 'HU', place: 'Szeged', lat: 46.25, lon: 20.15 },
                mode: 'land',
                conveyance: 'lorry',
              },
            ],
          },
          persons: [{ ref: 'P1', role: 'driver' }],
          vehicles: [{ ref: 'V1', plate: 'AB123CD', registrationCountry: 'BG', kind: 'lorry' }],
          locations: [{ ref: 'L1', kind: 'border_crossing', name: 'Röszke', country: 'HU', lat: 46.18, lon: 20.04 }],
        },
      }),
    );
    await post(
      'NCB-IT',
      messageOf('case.closed', { caseId: second, header: { distribution: HYDRA as never, priority: 'routine' }, body: { reason: 'dismantled' } }),
    );
    await post(
      'NCB-GR',
      messageOf('case.opened', {
        caseId: third,
        sender: 'NCB-GR',
        header: { distribution: { scope: 'recipients', recipients: ['NCB-IT'] } as never, priority: 'urgent' },
        body: { title: 'Evros crossings', crimeAreas: ['trafficking_in_human_beings'] },
      }),
    );
    // The projector's board and the dispatcher's ledger (the recipients of NCB-IT's messages) catch up.
    expect(await settle(async () => (await board()).cases.total, 2)).toBe(2);
    expect(await settle(async () => (await client('NCB-IT').timeline(first)).body.entries[1].recipients.length, 2)).toBe(2);
    browser = await launchChromium(executablePath);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await exchange?.close();
  });

  const consoleUrl = () => `${exchange.baseUrl}/console/`;
  /** A fresh browser context (nothing stored from another test) on the console, watched. */
  async function openConsole(hash = ''): Promise<Page> {
    const { context, page } = await newPage(browser);
    context.setDefaultTimeout(20_000);
    contexts.push(context);
    watches.push(watchPage(page, new URL(exchange.baseUrl).origin));
    const answer = await page.goto(consoleUrl() + hash);
    expect(answer?.status()).toBe(200);
    return page;
  }
  async function signIn(page: Page, party: string): Promise<void> {
    await page.getByLabel('API key').fill(DEMO_KEYS[party]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`Signed in as ${party}`).waitFor();
  }
  async function openBoard(page: Page, id = OPERATION): Promise<void> {
    await page.getByRole('heading', { name: 'Your boards' }).waitFor();
    await page.getByRole('link', { name: id, exact: true }).click();
    await page.getByRole('heading', { level: 2, name: id, exact: true }).waitFor();
  }
  async function figuresShown(page: Page): Promise<Figures> {
    const entries = await Promise.all(FIGURES.map(async (id) => [id, (await page.getByTestId(id).textContent())?.trim()] as const));
    return Object.fromEntries(entries) as Figures;
  }
  /** Waits (Playwright polling in the page) until it shows these figures, for 20 s at most; the caller asserts. */
  async function untilFigures(page: Page, expected: Figures): Promise<void> {
    await waitInPage(
      page,
      (want: Record<string, string>) => {
        const { document } = globalThis as unknown as PageGlobals;
        return Object.entries(want).every(([id, value]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() === value);
      },
      expected,
    );
  }
  const alert = (page: Page): Locator => page.getByRole('alert');
  const casesSection = (page: Page): Locator => page.getByRole('region', { name: 'Cases', exact: true });

  it(
    'signs in: a wrong key gets an alert, the right one “Signed in as NCB-IT” and the boards NCB-IT is in',
    async () => {
      const page = await openConsole();
      await page.getByLabel('API key').waitFor();
      await screenshot(page, 'sign-in');

      await page.getByLabel('API key').fill('demo-not-a-key');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await alert(page).waitFor();
      // The API answers 401; the console words that itself (a key that is not accepted), without echoing the key.
      const refused = await new ExchangeClient(exchange.baseUrl, 'nobody', 'demo-not-a-key').request('GET', '/v1/me');
      expect(refused.status).toBe(401);
      const refusal = (await alert(page).textContent()) ?? '';
      expect(refusal).toMatch(/key/i);
      expect(refusal).not.toContain('demo-not-a-key');
      expect(await page.getByText(/Signed in as/).count()).toBe(0);
      await screenshot(page, 'sign-in-refused');

      await signIn(page, 'NCB-IT');
      expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
      expect(await alert(page).count()).toBe(0);
      await page.getByRole('heading', { name: 'Your boards' }).waitFor();
      const me = await client('NCB-IT').request('GET', '/v1/me');
      expect(me.status).toBe(200);
      const groups = [...me.body.operations, ...me.body.taskForces].map((group: { id: string }) => group.id).sort();
      expect(groups).toEqual([OPERATION, TASK_FORCE]);
      const boards = page.getByRole('link', { name: /^(OP|OTF)-/ });
      await boards.first().waitFor();
      expect((await boards.allTextContents()).map((text) => text.trim()).sort()).toEqual(groups);
      expect(await page.getByRole('link', { name: TASK_FORCE, exact: true }).getAttribute('href')).toBe(`#/task-force/${TASK_FORCE}`);
      await screenshot(page, 'boards-home');
      await page.close();
    },
    TEST_MS,
  );

  it(
    'keeps the key out of every storage and URL after sign-in',
    async () => {
      const page = await openConsole();
      await signIn(page, 'NCB-IT');
      await openBoard(page);
      await page.getByTestId('total-cases').waitFor();
      const key = DEMO_KEYS['NCB-IT'];
      const stored = await page.evaluate(() => {
        const { localStorage, sessionStorage, document, location } = globalThis as unknown as PageGlobals;
        const all = (storage: PageGlobals['localStorage']) =>
          Array.from({ length: storage.length }, (_, n) => `${storage.key(n)}=${storage.getItem(storage.key(n)!)}`);
        return { local: all(localStorage), session: all(sessionStorage), cookie: document.cookie, href: location.href };
      });
      const cookies = await page.context().cookies();
      const state = await page.context().storageState();
      expect(stored.local.filter((entry) => entry.includes(key))).toEqual([]);
      expect(stored.session.filter((entry) => entry.includes(key))).toEqual([]);
      expect(stored.cookie).not.toContain(key);
      expect(cookies.filter((cookie) => cookie.value.includes(key) || cookie.name.includes(key))).toEqual([]);
      expect(JSON.stringify(state)).not.toContain(key);
      expect(stored.href).not.toContain(key);
      expect(page.url()).not.toContain(key);
      // Every URL the page asked for, the API's included (the key goes in the Authorization header only).
      const asked = watches.at(-1)!.sameOrigin;
      expect(asked.filter((request) => request.startsWith('GET /v1/')).length).toBeGreaterThan(0);
      expect(asked.filter((request) => request.includes(key))).toEqual([]);
      await page.close();
    },
    TEST_MS,
  );

  it(
    'shows an operation board with the figures the API gives the same party, its map and its cases',
    async () => {
      const page = await openConsole();
      await signIn(page, 'NCB-IT');
      await openBoard(page);
      expect(page.url()).toBe(`${consoleUrl()}#/operation/${OPERATION}`);
      const expected = figuresOf(await board());
      expect(expected).toEqual({
        'total-cases': '2',
        'total-open': '1',
        'total-closed': '1',
        'interceptions-total': '1',
        'interceptions-migrants': '40',
        'interceptions-deaths': '2',
        'interceptions-missing': '3',
      });
      await untilFigures(page, expected);
      expect(await figuresShown(page)).toEqual(expected);
      expect(await page.getByRole('figure', { name: /^Map of the board.s locations$/ }).isVisible()).toBe(true);

      const listed: string[] = (await client('NCB-IT').request('GET', `/v1/operations/${OPERATION}/cases`)).body.cases.map(
        (item: { caseId: string }) => item.caseId,
      );
      expect([...listed].sort()).toEqual([first, second].sort());
      const links = casesSection(page).getByRole('table').getByRole('link');
      await links.first().waitFor();
      expect((await links.allTextContents()).map((text) => text.trim())).toEqual(listed);
      await screenshot(page, 'board');
      await casesSection(page).scrollIntoViewIfNeeded();
      await screenshot(casesSection(page), 'case-list');
      await page.close();
    },
    TEST_MS,
  );

  it(
    'opens a case from the board’s list: its timeline has each entry’s version, type and sender, and recipients on its own',
    async () => {
      const page = await openConsole();
      await signIn(page, 'NCB-IT');
      await openBoard(page);
      await casesSection(page).getByRole('table').getByRole('link', { name: first, exact: true }).click();
      await page.getByRole('heading', { level: 2, name: first, exact: true }).waitFor();
      expect(page.url()).toBe(`${consoleUrl()}#/case/${first}`);

      const timeline = await client('NCB-IT').timeline(first);
      expect(timeline.status).toBe(200);
      const entries: { caseVersion: number; type: string; sender: string; recipients?: { party: string }[] }[] = timeline.body.entries;
      expect(entries.map((entry) => [entry.caseVersion, entry.type, entry.sender])).toEqual([
        [1, 'case.opened', 'NCB-IT'],
        [2, 'interception.reported', 'NCB-IT'],
        [3, 'case.updated', 'NCB-GR'],
      ]);
      expect(entries.map((entry) => entry.recipients?.map((recipient) => recipient.party).sort())).toEqual([
        ['EUROPOL', 'NCB-GR'],
        ['EUROPOL', 'NCB-GR'],
        undefined,
      ]);
      // One <li> per entry, in case-version order, each showing its version, type and sender; on NCB-IT's own
      // messages (and only there) the table of their recipients, with the parties the API names.
      const items = page.getByRole('list', { name: 'Timeline', exact: true }).locator(':scope > li');
      await items.first().waitFor();
      expect(await items.count()).toBe(entries.length);
      for (const [index, entry] of entries.entries()) {
        const item = items.nth(index);
        const text = (await item.textContent()) ?? '';
        const version = new RegExp(`(^|\\D)${entry.caseVersion}(\\D|$)`);
        expect([entry.caseVersion, version.test(text), text.includes(entry.type), text.includes(entry.sender)]).toEqual([entry.caseVersion, true, true, true]);
        const table = item.getByRole('table', { name: 'Recipients', exact: true });
        const parties = (entry.recipients ?? []).map((recipient) => recipient.party).sort();
        if (parties.length === 0) {
          expect([entry.caseVersion, await table.count()]).toEqual([entry.caseVersion, 0]);
          continue;
        }
        const rows = await table.locator('tbody tr').allTextContents();
        expect([entry.caseVersion, rows.map((row) => parties.find((party) => row.includes(party)) ?? row).sort()]).toEqual([entry.caseVersion, parties]);
      }
      await screenshot(page, 'case-timeline');
      await page.close();
    },
    TEST_MS,
  );

  it(
    'shows a new message’s effect on the board’s figures without a reload',
    async () => {
      const page = await openConsole();
      await signIn(page, 'NCB-IT');
      await openBoard(page);
      const before = figuresOf(await board());
      await untilFigures(page, before);
      expect(await figuresShown(page)).toEqual(before);
      // Gone if the page were loaded again.
      await page.evaluate(() => ((globalThis as unknown as PageGlobals).notReloaded = true));

      const fourth = newCaseId();
      await post(
        'NCB-IT',
        messageOf('case.opened', {
          caseId: fourth,
          header: { distribution: HYDRA as never },
          body: { title: 'Sfax boats', crimeAreas: ['migrant_smuggling'] },
        }),
      );
      await post(
        'NCB-IT',
        messageOf('interception.reported', {
          caseId: fourth,
          header: { distribution: HYDRA as never },
          body: {
            occurredAt: '2026-03-20T03:00:00Z',
            location: { kind: 'other', country: 'IT' },
            mode: 'sea',
            conveyance: 'rubber_dinghy',
            migrants: { count: 12, deaths: 1, missing: 0 },
          },
        }),
      );
      const more = (figure: keyof Figures, by: number) => String(Number(before[figure]) + by);
      const expected: Figures = {
        ...before,
        'total-cases': more('total-cases', 1),
        'total-open': more('total-open', 1),
        'interceptions-total': more('interceptions-total', 1),
        'interceptions-migrants': more('interceptions-migrants', 12),
        'interceptions-deaths': more('interceptions-deaths', 1),
      };
      expect(await settle(async () => figuresOf(await board()), expected)).toEqual(expected);
      await untilFigures(page, expected);
      expect(await figuresShown(page)).toEqual(expected);
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).notReloaded)).toBe(true);
      await casesSection(page).getByRole('link', { name: fourth, exact: true }).waitFor();
      await page.close();
    },
    TEST_MS,
  );

  it(
    'tells a non-member what the API tells it: not found, for the operation and for a case it is not entitled to',
    async () => {
      const group = await client(OUTSIDER).request('GET', `/v1/operations/${OPERATION}`);
      expect([group.status, group.body.error]).toEqual([404, 'group_not_found']);
      const page = await openConsole(`#/operation/${OPERATION}`);
      await signIn(page, OUTSIDER);
      await page.getByRole('heading', { level: 2, name: OPERATION, exact: true }).waitFor();
      await alert(page).waitFor();
      expect(((await alert(page).textContent()) ?? '').trim()).toBe(group.body.message);
      expect(await page.getByTestId('total-cases').count()).toBe(0);
      await screenshot(page, 'not-found');

      const hidden = await client(OUTSIDER).timeline(third);
      expect([hidden.status, hidden.body.error]).toEqual([404, 'case_not_found']);
      expect((await client(OUTSIDER).request('GET', `/v1/cases/${third}`)).body.message).toBe(hidden.body.message);
      await page.evaluate((id) => ((globalThis as unknown as PageGlobals).location.hash = `#/case/${id}`), third);
      await page.getByRole('heading', { level: 2, name: third, exact: true }).waitFor();
      await alert(page).filter({ hasText: hidden.body.message }).waitFor();
      expect(((await alert(page).textContent()) ?? '').trim()).toBe(hidden.body.message);
      expect(await page.getByRole('list', { name: 'Timeline', exact: true }).count()).toBe(0);
      expect(await page.getByText('Evros crossings').count()).toBe(0);
      await screenshot(page, 'not-found-case');
      await page.close();
    },
    TEST_MS,
  );

  it(
    'signs in with the keyboard alone (Tab and Enter)',
    async () => {
      const page = await openConsole();
      const input = page.getByLabel('API key');
      await input.waitFor();
      const focused = (locator: Locator) => locator.evaluate((element) => element === (globalThis as unknown as PageGlobals).document.activeElement);
      let presses = 0;
      while (!(await focused(input)) && presses < 10) {
        await page.keyboard.press('Tab');
        presses += 1;
      }
      expect(await focused(input)).toBe(true);
      await page.keyboard.type(DEMO_KEYS['NCB-IT']);
      await page.keyboard.press('Tab');
      expect(await focused(page.getByRole('button', { name: 'Sign in' }))).toBe(true);
      await page.keyboard.press('Enter');
      await page.getByText('Signed in as NCB-IT').waitFor();
      await page.getByRole('heading', { name: 'Your boards' }).waitFor();
      await page.close();
    },
    TEST_MS,
  );

  it(
    'sent no request outside the exchange’s origin, had none refused by its Content Security Policy, and threw nothing',
    async () => {
      await Promise.all(contexts.map((context) => context.close()));
      expect(watches).toHaveLength(7);
      expect(watches.flatMap((watch) => watch.sameOrigin).filter((request) => request.startsWith('GET /v1/')).length).toBeGreaterThan(20);
      expect(watches.flatMap((watch) => watch.leaving)).toEqual([]);
      expect(watches.flatMap((watch) => watch.refused)).toEqual([]);
      expect(watches.flatMap((watch) => watch.errors)).toEqual([]);
    },
    TEST_MS,
  );
});
