// Timezones the modal offers in its select. A static select holds at most 100 options and
// external selects need an options endpoint, so: a curated list, the person's own zone and the
// alert's zone first, and an "other timezone" text field for anything else.
import { SLACK_LIMITS } from '../../messages/slack/limits.js';

export const COMMON_TIMEZONES: readonly string[] = [
  'UTC',
  // Americas
  'America/Los_Angeles', 'America/Denver', 'America/Phoenix', 'America/Chicago', 'America/New_York',
  'America/Halifax', 'America/Anchorage', 'Pacific/Honolulu', 'America/Mexico_City', 'America/Bogota',
  'America/Lima', 'America/Santiago', 'America/Sao_Paulo', 'America/Argentina/Buenos_Aires', 'America/Toronto',
  'America/Vancouver',
  // Europe and Africa
  'Europe/London', 'Europe/Dublin', 'Europe/Lisbon', 'Europe/Paris', 'Europe/Berlin', 'Europe/Madrid',
  'Europe/Rome', 'Europe/Amsterdam', 'Europe/Stockholm', 'Europe/Warsaw', 'Europe/Athens', 'Europe/Helsinki',
  'Europe/Istanbul', 'Europe/Kyiv', 'Europe/Moscow', 'Africa/Lagos', 'Africa/Cairo', 'Africa/Johannesburg',
  'Africa/Nairobi',
  // Asia and Oceania
  'Asia/Dubai', 'Asia/Tehran', 'Asia/Karachi', 'Asia/Kolkata', 'Asia/Kathmandu', 'Asia/Dhaka', 'Asia/Bangkok',
  'Asia/Jakarta', 'Asia/Ho_Chi_Minh', 'Asia/Singapore', 'Asia/Kuala_Lumpur', 'Asia/Manila', 'Asia/Hong_Kong',
  'Asia/Shanghai', 'Asia/Taipei', 'Asia/Seoul', 'Asia/Tokyo', 'Australia/Perth', 'Australia/Adelaide',
  'Australia/Brisbane', 'Australia/Sydney', 'Pacific/Auckland',
];

/** Zones for the select: `first` (the person's, the alert's) on top, no duplicates, within Slack's cap. */
export function timezoneChoices(first: readonly string[]): { pinned: string[]; common: string[] } {
  const pinned = [...new Set(first.map((z) => z.trim()).filter((z) => z !== ''))];
  const common = COMMON_TIMEZONES.filter((z) => !pinned.includes(z)).slice(0, SLACK_LIMITS.selectOptions - pinned.length);
  return { pinned, common };
}
