/**
 * Codes of CMF/1: countries, currencies, parties, cases, operations and task forces.
 * Each `*_PATTERN` is the source of both the runtime predicate and the JSON Schema `pattern`.
 */

/** ISO 3166-1 alpha-2: the 249 officially assigned codes (no user-assigned XK, no reserved EU/UN). */
// prettier-ignore
export const COUNTRY_CODES = [
  'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AQ', 'AR', 'AS', 'AT', 'AU', 'AW', 'AX', 'AZ', 'BA', 'BB', 'BD', 'BE',
  'BF', 'BG', 'BH', 'BI', 'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ', 'BR', 'BS', 'BT', 'BV', 'BW', 'BY', 'BZ', 'CA', 'CC', 'CD',
  'CF', 'CG', 'CH', 'CI', 'CK', 'CL', 'CM', 'CN', 'CO', 'CR', 'CU', 'CV', 'CW', 'CX', 'CY', 'CZ', 'DE', 'DJ', 'DK', 'DM',
  'DO', 'DZ', 'EC', 'EE', 'EG', 'EH', 'ER', 'ES', 'ET', 'FI', 'FJ', 'FK', 'FM', 'FO', 'FR', 'GA', 'GB', 'GD', 'GE', 'GF',
  'GG', 'GH', 'GI', 'GL', 'GM', 'GN', 'GP', 'GQ', 'GR', 'GS', 'GT', 'GU', 'GW', 'GY', 'HK', 'HM', 'HN', 'HR', 'HT', 'HU',
  'ID', 'IE', 'IL', 'IM', 'IN', 'IO', 'IQ', 'IR', 'IS', 'IT', 'JE', 'JM', 'JO', 'JP', 'KE', 'KG', 'KH', 'KI', 'KM', 'KN',
  'KP', 'KR', 'KW', 'KY', 'KZ', 'LA', 'LB', 'LC', 'LI', 'LK', 'LR', 'LS', 'LT', 'LU', 'LV', 'LY', 'MA', 'MC', 'MD', 'ME',
  'MF', 'MG', 'MH', 'MK', 'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS', 'MT', 'MU', 'MV', 'MW', 'MX', 'MY', 'MZ', 'NA',
  'NC', 'NE', 'NF', 'NG', 'NI', 'NL', 'NO', 'NP', 'NR', 'NU', 'NZ', 'OM', 'PA', 'PE', 'PF', 'PG', 'PH', 'PK', 'PL', 'PM',
  'PN', 'PR', 'PS', 'PT', 'PW', 'PY', 'QA', 'RE', 'RO', 'RS', 'RU', 'RW', 'SA', 'SB', 'SC', 'SD', 'SE', 'SG', 'SH', 'SI',
  'SJ', 'SK', 'SL', 'SM', 'SN', 'SO', 'SR', 'SS', 'ST', 'SV', 'SX', 'SY', 'SZ', 'TC', 'TD', 'TF', 'TG', 'TH', 'TJ', 'TK',
  'TL', 'TM', 'TN', 'TO', 'TR', 'TT', 'TV', 'TW', 'TZ', 'UA', 'UG', 'UM', 'US', 'UY', 'UZ', 'VA', 'VC', 'VE', 'VG', 'VI',
  'VN', 'VU', 'WF', 'WS', 'YE', 'YT', 'ZA', 'ZM', 'ZW',
] as const;
export type CountryCode = (typeof COUNTRY_CODES)[number];

/**
 * ISO 4217 alphabetic codes of list one, including funds and precious-metal codes, with both sides of the
 * current transitions (ANG/XCG, SLL/SLE, ZWL/ZWG). A constant rather than `Intl.supportedValuesOf('currency')`,
 * which differs between ICU versions and would make the exported JSON Schema depend on the Node build.
 */
// prettier-ignore
export const CURRENCY_CODES = [
  'AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT', 'BGN', 'BHD', 'BIF', 'BMD', 'BND',
  'BOB', 'BOV', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHE', 'CHF', 'CHW', 'CLF', 'CLP', 'CNY', 'COP', 'COU',
  'CRC', 'CUP', 'CVE', 'CZK', 'DJF', 'DKK', 'DOP', 'DZD', 'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP',
  'GMD', 'GNF', 'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF', 'IDR', 'ILS', 'INR', 'IQD', 'IRR', 'ISK', 'JMD', 'JOD', 'JPY', 'KES',
  'KGS', 'KHR', 'KMF', 'KPW', 'KRW', 'KWD', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR', 'LRD', 'LSL', 'LYD', 'MAD', 'MDL', 'MGA', 'MKD',
  'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN', 'MXV', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'OMR',
  'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN', 'PYG', 'QAR', 'RON', 'RSD', 'RUB', 'RWF', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD',
  'SHP', 'SLE', 'SLL', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS', 'TMT', 'TND', 'TOP', 'TRY', 'TTD', 'TWD',
  'TZS', 'UAH', 'UGX', 'USD', 'USN', 'UYI', 'UYU', 'UYW', 'UZS', 'VED', 'VES', 'VND', 'VUV', 'WST', 'XAF', 'XAG', 'XAU', 'XBA',
  'XBB', 'XBC', 'XBD', 'XCD', 'XCG', 'XDR', 'XOF', 'XPD', 'XPF', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX', 'YER', 'ZAR', 'ZMW', 'ZWG',
  'ZWL',
] as const;
export type CurrencyCode = (typeof CURRENCY_CODES)[number];

const countryCodeSet: ReadonlySet<string> = new Set(COUNTRY_CODES);
const currencyCodeSet: ReadonlySet<string> = new Set(CURRENCY_CODES);

export function isCountryCode(value: unknown): value is CountryCode {
  return typeof value === 'string' && countryCodeSet.has(value);
}

export function isCurrencyCode(value: unknown): value is CurrencyCode {
  return typeof value === 'string' && currencyCodeSet.has(value);
}

const COUNTRY_CODE_ALTERNATIVES = `(?:${COUNTRY_CODES.join('|')})`;
/**
 * A partner agency code: upper-case letters and digits in dash-separated segments, starting with a letter,
 * at least three characters long (two characters are a country code) and not starting with `NCB-`.
 */
const AGENCY_CODE = '(?!NCB-)[A-Z](?:[A-Z0-9]{2,}|[A-Z0-9]?-[A-Z0-9]+)(?:-[A-Z0-9]+)*';
const CODE_SUFFIX = '[A-Z0-9]+(?:-[A-Z0-9]+)*';

export const PARTY_CODE_MAX_LENGTH = 64;
/** `NCB-` + an ISO 3166-1 alpha-2 code (a national bureau), or an agency code. */
export const PARTY_CODE_PATTERN = `^(?:NCB-${COUNTRY_CODE_ALTERNATIVES}|${AGENCY_CODE})$`;

export const CASE_ID_MAX_LENGTH = 96;
/** `<ISO2>-<YYYY>-<1..12 digits>` for a bureau's case, `<AGENCY>-<YYYY>-<1..12 digits>` for an agency's. */
export const CASE_ID_PATTERN = `^(?:${COUNTRY_CODE_ALTERNATIVES}|${AGENCY_CODE})-[0-9]{4}-[0-9]{1,12}$`;

export const OPERATION_ID_MAX_LENGTH = 64;
export const OPERATION_ID_PATTERN = `^OP-${CODE_SUFFIX}$`;

export const TASK_FORCE_ID_MAX_LENGTH = 64;
export const TASK_FORCE_ID_PATTERN = `^OTF-${CODE_SUFFIX}$`;

function codePredicate(pattern: string, maxLength: number): (value: unknown) => value is string {
  const regex = new RegExp(pattern);
  return (value: unknown): value is string => typeof value === 'string' && value.length <= maxLength && regex.test(value);
}

export const isPartyCode = codePredicate(PARTY_CODE_PATTERN, PARTY_CODE_MAX_LENGTH);
export const isCaseId = codePredicate(CASE_ID_PATTERN, CASE_ID_MAX_LENGTH);
export const isOperationId = codePredicate(OPERATION_ID_PATTERN, OPERATION_ID_MAX_LENGTH);
export const isTaskForceId = codePredicate(TASK_FORCE_ID_PATTERN, TASK_FORCE_ID_MAX_LENGTH);

export const UUID_PATTERN = '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$';
/** A UUID of any version, in either case. */
export const isUuid = codePredicate(UUID_PATTERN, 36);
