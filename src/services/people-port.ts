// The people port (issue 4/6 mentions): who an address in an alert's data is in Slack. The Slack
// adapter (slack-api/users.ts) implements it with users.lookupByEmail, cached.

/** An address's Slack user, nobody, or nothing Slack could tell now. */
export type PersonByEmail = { id: string } | { unknown: true } | { error: string };

export interface PeopleDirectory {
  /** Never throws. */
  userIdByEmail(email: string, signal: AbortSignal): Promise<PersonByEmail>;
}
