// Text from query results that a store keeps as a key (series labels, new-rows keys).

/** Text a store keeps as is: at most `max` code points, no NUL character. */
export function storableText(text: string, max: number): string {
  const clean = text.includes('\u0000') ? text.split('\u0000').join('') : text;
  if (clean.length <= max) return clean;
  return Array.from(clean).slice(0, max).join('');
}
