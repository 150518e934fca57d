// Triage in Slack (issue 4/6), what people do about alerts that fire: acknowledge an incident
// (and take it back), and the admins' mute of everything during maintenance. The rules are
// domain/access.ts's; the store makes the acknowledgement conditional on the incident the person
// saw, so one that resolved (or started again) meanwhile is refused, never acknowledged by mistake.
import type { Clock } from '../clock.js';
import { alertSpeaksIn, isAdmin, mayAcknowledge, type AccessPolicy, type AckPlace } from '../domain/access.js';
import type { SeriesItem, SeriesReport } from '../domain/decide-result.js';
import type { Acknowledgement, Alert, Execution, Mute } from '../domain/types.js';
import { LookoutError } from '../errors.js';
import type { AckRefusal } from '../messages/acknowledgement.js';
import type { Store } from '../store/port.js';
import type { Actor } from './alert-service.js';
import type { ChannelDirectory } from './channel-directory.js';

export interface TriageServiceDeps {
  store: Pick<Store, 'getAlert' | 'setAcknowledgement' | 'history' | 'getMute' | 'setMute'>;
  clock: Clock;
  admins: readonly string[];
  /** Channel membership (Slack's); without it nobody is a member of any channel. */
  channels?: ChannelDirectory;
}

/** Where the button was pressed: a channel (public or private), or a person's direct message with Lookout. */
export type PressedIn = { kind: 'channel'; id: string } | { kind: 'dm'; id: string };

export interface AckRequest {
  alertId: string;
  /** The start of the incident the pressed message is about (its button says). */
  incidentSince: Date;
  where: PressedIn;
}

/** What the incident's first message shows now: the last evaluation's value, time and firing series. */
export interface FiringStatus {
  value: string | null;
  at: Date;
  series: SeriesReport | null;
}

export type AckOutcome =
  | { ok: true; alert: Alert; status: FiringStatus }
  /**
   * `alert` names it, for someone who may acknowledge it (null otherwise); `status` is set when
   * its messages should still be redrawn (the button pressed was stale).
   */
  | { ok: false; refusal: AckRefusal; alert: Alert | null; status: FiringStatus | null };

/** The longest mute: a maintenance window, not a way to switch Lookout off. */
export const MAX_MUTE_MS = 7 * 24 * 3600 * 1000;
/** Executions looked through for the last evaluation that gave a value. */
const STATUS_RUNS = 10;

export function createTriageService(deps: TriageServiceDeps) {
  const { store, clock } = deps;
  const policy: AccessPolicy = { admins: deps.admins };

  async function placeOf(actor: Actor, where: PressedIn): Promise<AckPlace> {
    if (where.kind === 'dm') return { kind: 'dm' };
    return { kind: 'channel', id: where.id, member: (await deps.channels?.isMember(actor.userId, where.id)) ?? false };
  }

  async function status(alert: Alert): Promise<FiringStatus> {
    return firingStatusFrom(alert, await store.history(alert.id, STATUS_RUNS));
  }

  /** Acknowledges (`ack` true) or takes back the acknowledgement of the incident the pressed message is about. */
  async function setAck(actor: Actor, request: AckRequest, ack: boolean): Promise<AckOutcome> {
    const alert = await store.getAlert(request.alertId).catch(() => null);
    if (alert === null) return { ok: false, refusal: { kind: 'gone' }, alert: null, status: null };
    // A press in a channel the alert has no message in (a button value made up or carried over)
    // reads as no such alert: it reveals nothing, not even that the alert exists.
    if (request.where.kind === 'channel' && !alertSpeaksIn(alert, request.where.id)) return { ok: false, refusal: { kind: 'gone' }, alert: null, status: null };
    // Membership next: someone who may not acknowledge learns nothing of the alert's state.
    if (!mayAcknowledge(actor.userId, alert, await placeOf(actor, request.where))) {
      const refusal: AckRefusal = request.where.kind === 'channel' ? { kind: 'not_member', channel: request.where.id } : { kind: 'not_recipient' };
      return { ok: false, refusal, alert: null, status: null };
    }
    const refused = incidentRefusal(alert, request.incidentSince);
    if (refused !== null) return { ok: false, refusal: refused, alert, status: null };
    const since = alert.firingSince as Date;
    // Pressed on a stale button: nothing to change, but the messages are drawn again as they stand.
    if (ack && alert.ack !== null && alert.ack.by !== actor.userId) return { ok: false, refusal: { kind: 'already', ack: alert.ack }, alert, status: await status(alert) };
    if (!ack && alert.ack === null) return { ok: false, refusal: { kind: 'not_acknowledged' }, alert, status: await status(alert) };
    if (ack && alert.ack !== null) return { ok: true, alert, status: await status(alert) };

    const value: Acknowledgement | null = ack ? { by: actor.userId, at: clock(), channel: request.where.id } : null;
    const changed = await store.setAcknowledgement(alert.id, value, since);
    const now = await store.getAlert(alert.id);
    if (now === null) return { ok: false, refusal: { kind: 'gone' }, alert: null, status: null };
    if (!changed) {
      // The incident ended (or another began) between the read and the write.
      return { ok: false, refusal: incidentRefusal(now, request.incidentSince) ?? { kind: 'not_firing' }, alert: now, status: null };
    }
    return { ok: true, alert: now, status: await status(now) };
  }

  function requireAdmin(actor: Actor, what: string): void {
    if (!isAdmin(actor.userId, policy)) throw new LookoutError('forbidden', `Only Lookout admins can ${what}.`);
  }

  return {
    acknowledge: (actor: Actor, request: AckRequest) => setAck(actor, request, true),
    unacknowledge: (actor: Actor, request: AckRequest) => setAck(actor, request, false),

    /** The admins' mute while it lasts; null when there is none or it has ended. */
    async activeMute(): Promise<Mute | null> {
      const mute = await store.getMute();
      return mute !== null && mute.until.getTime() > clock().getTime() ? mute : null;
    },

    /** Mutes everything for `durationMs` from now (admins; at most 7 days), replacing any mute. */
    async muteAll(actor: Actor, durationMs: number): Promise<Mute> {
      requireAdmin(actor, 'mute everything');
      if (!Number.isFinite(durationMs) || durationMs <= 0) throw new LookoutError('validation', 'A mute needs a duration, e.g. `/alert mute all 2h`.');
      if (durationMs > MAX_MUTE_MS) {
        throw new LookoutError('validation', 'A mute can last at most 7 days (`/alert mute all 7d`); pause the alerts that should stay quiet longer.');
      }
      const now = clock();
      const mute: Mute = { until: new Date(now.getTime() + durationMs), by: actor.userId, at: now };
      await store.setMute(mute);
      return mute;
    },

    /** Lifts the mute (admins); returns the one lifted, or null when nothing was muted. */
    async unmuteAll(actor: Actor): Promise<Mute | null> {
      requireAdmin(actor, 'unmute everything');
      const mute = await store.getMute();
      await store.setMute(null);
      return mute !== null && mute.until.getTime() > clock().getTime() ? mute : null;
    },
  };
}

export type TriageService = ReturnType<typeof createTriageService>;

/** Why a press does not apply to the alert's incident now, or null when it does. */
function incidentRefusal(alert: Alert, pressedSince: Date): AckRefusal | null {
  if (alert.firingSince === null) return { kind: 'not_firing' };
  if (alert.firingSince.getTime() !== pressedSince.getTime()) return { kind: 'other_incident', since: alert.firingSince };
  return null;
}

/**
 * What the first message shows: the newest evaluation that gave a result (a run that failed or
 * was skipped says nothing about the value), with its firing series for an alert that has them.
 */
export function firingStatusFrom(alert: Pick<Alert, 'lastEvaluatedAt' | 'firingSince'>, executions: readonly Execution[]): FiringStatus {
  const last = executions.find((e) => e.finishedAt !== null && (e.state === 'SUCCESS' || e.state === 'GRACE' || e.state === 'NOOP'));
  const at = last?.finishedAt ?? alert.lastEvaluatedAt ?? alert.firingSince ?? new Date(0);
  if (last === undefined) return { value: null, at, series: null };
  if (last.series.length === 0) return { value: last.value, at, series: null };
  const item = (o: Execution['series'][number]): SeriesItem => ({ key: o.key, labels: o.labels, event: o.event, level: o.level, value: o.value, reason: o.reason, held: 0, since: null });
  return {
    value: last.value,
    at,
    series: {
      changes: [],
      firing: last.series.filter((o) => o.status === 'firing').map(item),
      pending: last.series.filter((o) => o.status === 'pending').map(item),
      total: last.series.length,
    },
  };
}
