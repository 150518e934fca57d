// Who a firing message mentions (issue 4/6): the alert's fixed mentions for the message's level,
// and the people named in the mention column of the firing rows — Slack user ids as they are,
// email addresses looked up (users.lookupByEmail, cached by the adapter). An address Slack does
// not know is listed on the message; a look-up that fails is logged; neither fails the send.
import type { Cell, Level, LevelMentions, QueryResult } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { Mentions } from '../messages/outgoing.js';
import type { PeopleDirectory } from './people-port.js';

/** Distinct values of the mention column looked at per message: a column of 10,000 addresses calls 50 people at most. */
export const MAX_COLUMN_MENTIONS = 50;

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
const SLACK_GROUP = /^S[A-Z0-9]{2,}$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export interface MentionRequest {
  fixed: LevelMentions;
  level: Level;
  column: string | null;
  /** The firing rows' result (columns and rows). */
  result: Pick<QueryResult, 'columns'> & { rows: readonly Cell[][] };
}

export async function mentionsFor(request: MentionRequest, people: PeopleDirectory | undefined, signal: AbortSignal, logger: Logger): Promise<Mentions | null> {
  const users = new Set<string>();
  const groups = new Set<string>();
  const unknown = new Set<string>();
  for (const id of request.fixed[request.level]) (SLACK_GROUP.test(id) ? groups : users).add(id);

  const index = request.column === null ? -1 : request.result.columns.indexOf(request.column);
  if (index >= 0) {
    const values = new Set<string>();
    for (const row of request.result.rows) {
      const cell = row[index];
      if (typeof cell !== 'string') continue;
      // A cell may hold several people: "a@x.com, U123".
      for (const part of cell.split(/[,;\s]+/)) {
        const value = part.trim();
        if (value !== '' && values.size < MAX_COLUMN_MENTIONS) values.add(value);
      }
    }
    for (const value of values) {
      if (SLACK_USER.test(value)) users.add(value);
      else if (EMAIL.test(value) && people !== undefined) {
        const found = await people.userIdByEmail(value, signal);
        if ('id' in found) users.add(found.id);
        else if ('unknown' in found) unknown.add(value);
        else logger.warn({ error: found.error }, 'could not look up a person to mention');
      } else unknown.add(value.slice(0, 100));
    }
  }
  if (users.size === 0 && groups.size === 0 && unknown.size === 0) return null;
  return { users: [...users], groups: [...groups], unknown: [...unknown] };
}
