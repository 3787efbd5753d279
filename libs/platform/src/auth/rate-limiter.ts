/** A token bucket per party: `perSecond` requests a second on average, bursts up to one second's worth. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; refilledAt: number }>();

  constructor(private readonly perSecond: number) {}

  /** Takes one token for the party; false when its bucket is empty. Always true when the limit is off (0). */
  take(party: string, nowMs: number): boolean {
    if (this.perSecond === 0) return true;
    const bucket = this.buckets.get(party) ?? { tokens: this.perSecond, refilledAt: nowMs };
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((nowMs - bucket.refilledAt) / 1000) * this.perSecond);
    bucket.refilledAt = nowMs;
    this.buckets.set(party, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  secondsUntilNextToken(): number {
    return Math.max(1, Math.ceil(1 / Math.max(this.perSecond, 1)));
  }
}
