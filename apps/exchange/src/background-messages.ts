/** What the all-in-one's two processes tell each other over the fork's IPC channel. */
export type BackgroundMessage =
  /** Child → parent: the dispatcher recorded deliveries (feed streams wake up). */
  | { readonly kind: 'recorded' }
  /** Parent → child: what /health should show of the child's work. */
  | { readonly kind: 'status?'; readonly id: number }
  | { readonly kind: 'status'; readonly id: number; readonly status: BackgroundStatus };

export interface BackgroundStatus {
  readonly reports: ReadonlyArray<{ readonly section: string; readonly name: string; readonly value: unknown }>;
  readonly probes: ReadonlyArray<{ readonly role: string; readonly engine: string; readonly error?: string }>;
}
