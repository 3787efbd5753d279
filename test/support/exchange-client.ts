export const DEMO_KEYS: Readonly<Record<string, string>> = {
  'NCB-IT': 'demo-ncb-it',
  'NCB-GR': 'demo-ncb-gr',
  'NCB-ES': 'demo-ncb-es',
  'NCB-NE': 'demo-ncb-ne',
  EUROPOL: 'demo-europol',
  FRONTEX: 'demo-frontex',
  'INTERPOL-GS': 'demo-interpol-gs',
  'CMX-DPO': 'demo-cmx-dpo',
};

export interface HttpAnswer<T = any> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** A party's view of the exchange over real HTTP. */
export class ExchangeClient {
  constructor(
    readonly baseUrl: string,
    readonly party: string,
    /** null sends no Authorization header. */
    private readonly apiKey: string | null = DEMO_KEYS[party] ?? null,
  ) {}

  static anonymous(baseUrl: string): ExchangeClient {
    return new ExchangeClient(baseUrl, 'anonymous', null);
  }

  post(message: unknown): Promise<HttpAnswer> {
    return this.request('POST', '/v1/messages', JSON.stringify(message));
  }

  timeline(caseId: string, query: Record<string, string | number | undefined> = {}): Promise<HttpAnswer> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
    const suffix = search.size > 0 ? `?${search}` : '';
    return this.request('GET', `/v1/cases/${encodeURIComponent(caseId)}/timeline${suffix}`);
  }

  async request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      body,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.apiKey !== null ? { authorization: `Bearer ${this.apiKey}` } : {}),
        ...headers,
      },
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }
}
