// An alert's key (issue 5/6): the stable name files use to say "this alert", so applying a file
// twice changes nothing and renaming an alert does not make a new one. Unique; set from the name
// when none is given, and kept when the name changes.

/** Lowercase letters, digits, "-" and "_", starting with a letter or digit; at most 64. */
export const KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const KEY_MAX = 64;
export const KEY_RULE = 'use lowercase letters, digits, "-" and "_" (at most 64), starting with a letter or digit';

/** "Daily sales (EU)" → "daily-sales-eu"; a name with no letter or digit gives "alert". */
export function keyFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cut(slug, KEY_MAX) || 'alert';
}

/** The keys to try in turn for a new alert: `base`, then `base-2`, `base-3`, … (`tries` in all). */
export function keyCandidates(base: string, tries = 50): string[] {
  const out = [base];
  for (let n = 2; n <= tries; n += 1) {
    const suffix = `-${n}`;
    out.push(`${cut(base, KEY_MAX - suffix.length)}${suffix}`);
  }
  return out;
}

function cut(slug: string, max: number): string {
  return slug.slice(0, max).replace(/-+$/g, '');
}
