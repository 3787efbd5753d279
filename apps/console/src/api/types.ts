/** The answers of the exchange's public HTTP API that the console reads (DESIGN.md, "Outside interfaces"). */

export interface GroupMembership {
  readonly id: string;
  readonly members: readonly string[];
}

/** GET /v1/me */
export interface CallerProfile {
  readonly party: string;
  readonly kind: 'bureau' | 'agency';
  readonly admin: boolean;
  readonly operations: readonly GroupMembership[];
  readonly taskForces: readonly GroupMembership[];
}

/** A board list: `{ total, recent }` since the boards were revised; a plain array before. */
export type BoardList<Item> = { readonly total: number; readonly recent: readonly Item[] } | readonly Item[];

export interface FlaggedDocument {
  readonly caseId: string;
  readonly type: string;
  readonly number?: string;
  readonly issuingCountry?: string;
  readonly status: string;
}

export interface BoardVessel {
  readonly caseId: string;
  readonly name?: string;
  readonly imo?: string;
  readonly flag?: string;
}

export interface BoardVehicle {
  readonly caseId: string;
  readonly plate?: string;
  readonly registrationCountry?: string;
}

export interface BoardLocation {
  readonly caseId: string;
  readonly kind: string;
  readonly name?: string;
  readonly country?: string;
  readonly lat?: number;
  readonly lon?: number;
}

export type Counts = Readonly<Record<string, number>>;

/** GET /v1/operations/{id}, GET /v1/task-forces/{id} */
export interface Board {
  readonly id: string;
  readonly kind: 'operation' | 'taskForce';
  readonly members: readonly string[];
  readonly cases: { readonly total: number; readonly open: number; readonly closed: number };
  readonly counts: {
    readonly byCrimeArea: Counts;
    readonly byRoute: Counts;
    readonly byMessageType: Counts;
    readonly byPriority: Counts;
  };
  readonly persons: { readonly byRole: Counts };
  readonly flaggedDocuments: BoardList<FlaggedDocument>;
  readonly vessels: BoardList<BoardVessel>;
  readonly vehicles: BoardList<BoardVehicle>;
  readonly locations: BoardList<BoardLocation>;
  readonly interceptions: { readonly total: number; readonly migrants: number; readonly deaths: number; readonly missing: number };
  readonly lastActivityAt: string | null;
}

/** One row of GET /v1/{operations|task-forces}/{id}/cases */
export interface CaseListing {
  readonly caseId: string;
  readonly status: 'open' | 'closed';
  readonly title: string | null;
  readonly owner: string | null;
  readonly crimeAreas: readonly string[];
  readonly route: string | null;
  readonly version: number;
  readonly lastActivityAt: string;
}

export interface CaseListPage {
  readonly cases: readonly CaseListing[];
  readonly nextCursor: string | null;
}

/** A paged sub-resource of a board: GET /v1/{operations|task-forces}/{id}/{documents|vessels|…} */
export interface ItemPage<Item> {
  readonly items: readonly Item[];
  readonly nextCursor: string | null;
}

export interface Place {
  readonly country: string;
  readonly place?: string;
  readonly lat?: number;
  readonly lon?: number;
}

export interface RouteLeg {
  readonly from: Place;
  readonly to: Place;
  readonly mode?: string;
  readonly conveyance?: string;
}

export interface CasePerson {
  readonly ref: string;
  readonly role?: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly nationalities?: readonly string[];
  readonly erased?: boolean;
  readonly restricted?: boolean;
}

/** GET /v1/cases/{caseId}: the case summary read model (the fields the console shows). */
export interface CaseSummary {
  readonly caseId: string;
  readonly status: 'open' | 'closed';
  readonly owner: string | null;
  readonly version: number;
  readonly lastActivityAt: string;
  readonly title: string | null;
  readonly summary: string | null;
  readonly crimeAreas: readonly string[];
  readonly route: { readonly name: string; readonly legs?: readonly RouteLeg[] } | null;
  readonly persons: readonly CasePerson[];
  readonly documents: readonly {
    readonly ref: string;
    readonly type: string;
    readonly status?: string;
    readonly issuingCountry?: string;
    readonly number?: string;
  }[];
  readonly vehicles: readonly unknown[];
  readonly vessels: readonly unknown[];
  readonly locations: readonly BoardLocation[];
  readonly interceptions: readonly { readonly occurredAt: string; readonly migrants: number; readonly deaths: number; readonly missing: number }[];
  readonly linkedCases: readonly { readonly otherCaseId: string; readonly relation: string }[];
  readonly operations: readonly string[];
  readonly taskForces: readonly string[];
  readonly closedReason: string | null;
}

export interface Recipient {
  readonly party: string;
  readonly channel: string;
  readonly deliveredAt: string | null;
  readonly acknowledgedAt: string | null;
}

export interface TimelineEntry {
  readonly caseVersion: number;
  readonly messageId: string;
  readonly type: string;
  readonly sender: string;
  readonly sentAt: string;
  readonly receivedAt: string;
  readonly priority: string;
  readonly handling?: { readonly code: string };
  readonly evaluation?: { readonly source: string; readonly information: string };
  readonly body: unknown;
  /** Only on the caller's own messages. */
  readonly recipients?: readonly Recipient[];
}

/** GET /v1/cases/{caseId}/timeline */
export interface Timeline {
  readonly caseId: string;
  readonly version: number;
  readonly entries: readonly TimelineEntry[];
  readonly nextAfterVersion: number | null;
}
