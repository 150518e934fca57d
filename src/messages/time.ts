// Times as people read them: in a named zone, because alerts run in their own timezone, not the
// reader's. Channel-neutral; every message and list uses this one format.
import { DateTime } from 'luxon';

/**
 * A time in a named zone: "2026-11-24 19:00 EST" where the zone has a letter abbreviation,
 * "2026-11-25 09:00 (Asia/Seoul)" where it would only be "GMT+9"; `long` adds the weekday:
 * "Wed 25 Nov 2026 09:00 (Asia/Seoul)". An unknown zone falls back to UTC, saying so.
 */
export function formatInZone(date: Date, timezone: string, style: 'short' | 'long' = 'short'): string {
  let dt = DateTime.fromJSDate(date, { zone: timezone }).setLocale('en-US');
  let zone = timezone;
  if (!dt.isValid) {
    dt = DateTime.fromJSDate(date, { zone: 'UTC' }).setLocale('en-US');
    zone = 'UTC';
  }
  if (!dt.isValid) return 'an invalid date';
  const when = dt.toFormat(style === 'long' ? 'ccc d LLL yyyy HH:mm' : 'yyyy-MM-dd HH:mm');
  const abbreviation = dt.offsetNameShort ?? '';
  if (zone === 'UTC' || zone === 'Etc/UTC') return `${when} UTC`;
  return /^[A-Z]{2,5}$/.test(abbreviation) && style === 'short' ? `${when} ${abbreviation}` : `${when} (${zone})`;
}
