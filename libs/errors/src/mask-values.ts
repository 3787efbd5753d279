const QUOTES = /["`“”]/g;
const DIGIT_RUNS = /\+?\d[\d\-/ ]{4,}\d/g;

/**
 * A library's error message with the values it may quote masked, before it goes into an answer or a log line.
 * PostgreSQL writes `invalid input syntax for type uuid: "…"`, JSON.parse `Unexpected token 'A', "…" is not
 * valid JSON`; the value may be a person's. The span from the first double quote (or backtick) to the last
 * becomes `"…"`, and every run of six or more digits, dashes, slashes or spaces (phone and document numbers,
 * dates) becomes `…`.
 */
export function maskValues(text: string): string {
  const quotes = [...text.matchAll(QUOTES)];
  let masked = text;
  if (quotes.length >= 2) {
    const first = quotes[0].index;
    const last = quotes[quotes.length - 1].index;
    masked = `${text.slice(0, first)}"…"${text.slice(last + 1)}`;
  }
  return masked.replace(DIGIT_RUNS, '…');
}
