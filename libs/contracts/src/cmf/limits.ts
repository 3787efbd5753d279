/** Size and time limits of CMF/1. */

/** A message is at most 256 KiB (enforced on the raw request body, before parsing). */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/** How far `header.sentAt` may lie after the moment the exchange receives the message. */
export const MAX_SENT_AT_AHEAD_MS = 5 * 60 * 1000;

export const TITLE_MAX_LENGTH = 500;
export const SUMMARY_MAX_LENGTH = 20_000;
/** Free text: handling conditions, notes, questions. */
export const FREE_TEXT_MAX_LENGTH = 2_000;
/** Names, numbers, plates, places, aliases, identifier values. */
export const SHORT_TEXT_MAX_LENGTH = 200;
export const REF_MAX_LENGTH = 64;

/** POST /v1/messages:batch: at most this many lines (one message each) and bytes. */
export const MAX_BATCH_LINES = 1_000;
export const MAX_BATCH_BYTES = 16 * 1024 * 1024;
