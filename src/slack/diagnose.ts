// `/alert doctor`: what is wrong with this Lookout's set-up, found by asking — the token's
// scopes against REQUIRED_BOT_SCOPES, every alert channel the bot is not in, every data
// source that does not answer, and whether the browser starts and the SMTP server answers.
// diagnose() gathers plain findings; doctorText() words them as one mrkdwn message;
// doctorReply() puts them (admins only) above the recipients failing now.
import type { WebClient } from '@slack/web-api';
import type { Actor, AlertChannel, AlertService } from '../services/alert-service.js';
import { summarizeSlackError, slackErrorCode } from '../slack-api/slack-errors.js';
import type { MessageDoc } from '../messages/document.js';
import { context } from '../messages/slack/kit.js';
import { fitMessageBlocks, truncate, type SlackMessage } from '../messages/slack/limits.js';
import { escapeMrkdwn } from '../messages/slack/mrkdwn.js';
import { packLines } from '../messages/slack/pack-lines.js';
import { renderSlack } from '../messages/slack/render-slack.js';
import { REQUIRED_BOT_SCOPES } from './scopes.js';

/** Optional checks from other parts of Lookout: null means fine, a string says what is wrong. */
export interface DoctorChecks {
  browser?: () => Promise<string | null>;
  smtp?: () => Promise<string | null>;
}

export interface DoctorFinding {
  /** 'warning': works, but at a risk an admin accepted (a privileged data-source user). */
  status: 'problem' | 'warning' | 'ok' | 'info';
  text: string;
}

export interface DoctorReport {
  findings: DoctorFinding[];
}

/** Channels checked at most (each is one conversations.info call). */
const MAX_CHANNELS = 100;
const PARALLEL_CALLS = 5;
/** Slack shows about 40k characters; a doctor report should be read, not scrolled. */
const MAX_TEXT = 3500;

export async function diagnose(deps: { client: WebClient; service: AlertService; actor: Actor; checks: DoctorChecks }): Promise<DoctorReport> {
  const [scopes, channels, sources, browser, smtp] = await Promise.all([
    checkScopes(deps.client),
    checkChannels(deps.client, deps.service, deps.actor),
    checkDataSources(deps.service),
    optionalCheck('Browser (screenshots)', deps.checks.browser, 'no browser is set up for this Lookout (CHROMIUM_PATH)'),
    optionalCheck('Email (SMTP)', deps.checks.smtp, 'email is not set up: set SMTP_URL to send to email recipients and to fall back to email'),
  ]);
  return { findings: [...scopes, ...channels, ...sources, browser, smtp] };
}

export function doctorText(report: DoctorReport): string {
  const problems = report.findings.filter((f) => f.status === 'problem');
  const warnings = report.findings.filter((f) => f.status === 'warning');
  const fine = report.findings.filter((f) => f.status === 'ok');
  const info = report.findings.filter((f) => f.status === 'info');
  const head = problems.length === 0 ? '✅ *Lookout doctor*: nothing wrong found.' : `🩺 *Lookout doctor*: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}.`;
  const lines = [
    head,
    ...problems.map((f) => `⚠️ ${f.text}`),
    ...warnings.map((f) => `🟠 ${f.text}`),
    ...fine.map((f) => `✅ ${f.text}`),
    ...info.map((f) => `ℹ️ ${f.text}`),
  ];
  return truncate(lines.join('\n'), MAX_TEXT);
}

/**
 * The doctor's answer: for admins the set-up findings, then (for everyone) the recipients
 * failing now of the alerts the person may see. `text` is the notification's words.
 */
export function doctorReply(report: DoctorReport | null, failing: MessageDoc): SlackMessage {
  const failingBlocks = renderSlack(failing, { surface: 'message' }).message.blocks;
  if (report === null) {
    const note = context(['The set-up checks (scopes, channels, data sources, browser, email) are for Lookout admins; this lists what fails for alerts you may see.']);
    return { text: truncate(failing.summary, MAX_TEXT), blocks: fitMessageBlocks([...failingBlocks, note]) };
  }
  const text = doctorText(report);
  return { text, blocks: fitMessageBlocks([...packLines(text.split('\n'), 'findings'), ...failingBlocks]) };
}

async function checkScopes(client: WebClient): Promise<DoctorFinding[]> {
  try {
    const auth = await client.auth.test();
    const granted = auth.response_metadata?.scopes;
    if (granted === undefined) return [{ status: 'problem', text: 'Slack did not say which scopes the bot token has (no X-OAuth-Scopes header).' }];
    const missing = REQUIRED_BOT_SCOPES.filter((s) => !granted.includes(s));
    if (missing.length === 0) return [{ status: 'ok', text: 'The bot token has every scope Lookout needs.' }];
    return [
      {
        status: 'problem',
        text: `The bot token lacks ${missing.length === 1 ? 'the scope' : 'scopes'} ${missing.map((s) => `\`${s}\``).join(', ')}: add ${missing.length === 1 ? 'it' : 'them'} under OAuth & Permissions (manifest.yml lists every scope) and reinstall the app.`,
      },
    ];
  } catch (err) {
    return [{ status: 'problem', text: `auth.test failed (${summarizeSlackError(err).code}): the bot token may be revoked or wrong (SLACK_BOT_TOKEN).` }];
  }
}

async function checkChannels(client: WebClient, service: AlertService, actor: Actor): Promise<DoctorFinding[]> {
  // The channels and a few of their alerts' names, not every alert: a workspace may have thousands.
  const { channels, total } = await service.channelsInUse(actor, MAX_CHANNELS);
  const findings: DoctorFinding[] = [];
  for (let i = 0; i < channels.length; i += PARALLEL_CALLS) {
    const batch = await Promise.all(channels.slice(i, i + PARALLEL_CALLS).map((channel) => checkChannel(client, channel)));
    findings.push(...batch.filter((f): f is DoctorFinding => f !== null));
  }
  if (findings.length === 0) findings.push({ status: 'ok', text: `Lookout is in all ${channels.length} channels alerts post to.` });
  if (total > MAX_CHANNELS) findings.push({ status: 'problem', text: `Only the first ${MAX_CHANNELS} of ${total} channels were checked.` });
  return findings;
}

async function checkChannel(client: WebClient, { id, alertNames, alerts }: AlertChannel): Promise<DoctorFinding | null> {
  const more = alerts - alertNames.length;
  const usedBy = `used by ${alertNames.map((n) => `“${escapeMrkdwn(n)}”`).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  try {
    const info = await client.conversations.info({ channel: id });
    if (info.channel?.is_member === true || info.channel?.is_im === true) return null;
    const name = info.channel?.name ?? id;
    return { status: 'problem', text: `Lookout is not in #${escapeMrkdwn(name)} (${usedBy}): type \`/invite @Lookout\` in that channel.` };
  } catch (err) {
    const code = slackErrorCode(err);
    if (code === 'channel_not_found') {
      return { status: 'problem', text: `Channel ${id} (${usedBy}) cannot be found: it was deleted, or it is private and Lookout is not in it.` };
    }
    return { status: 'problem', text: `Could not check channel ${id} (${usedBy}): Slack said ${code ?? summarizeSlackError(err).code}.` };
  }
}

/** DuckDB has no database users to check: what bounds it instead (datasources/duckdb.ts). */
const DUCKDB_ACCESS =
  'and has no database users to check: Lookout reads its files in memory, only under the directories allowed in its config, with no network, no extensions and no writes';

async function checkDataSources(service: AlertService): Promise<DoctorFinding[]> {
  const results = await service.checkDataSources();
  if (results.length === 0) return [{ status: 'problem', text: 'No data source is configured: add one under `dataSources` in lookout.config.yml.' }];
  return results.map((r): DoctorFinding => {
    if (r.privileged === 'refused') return { status: 'problem', text: escapeMrkdwn(r.error ?? `Data source “${r.name}” runs no queries.`) };
    if (r.privileged === 'allowed') return { status: 'warning', text: escapeMrkdwn(r.error ?? `Data source “${r.name}” has a privileged user.`) };
    return r.ok
      ? { status: 'ok', text: `Data source “${escapeMrkdwn(r.name)}” answers, ${r.kind === 'duckdb' ? DUCKDB_ACCESS : 'and its database user can only read'}.` }
      : { status: 'problem', text: `Data source “${escapeMrkdwn(r.name)}” does not answer: ${escapeMrkdwn(r.error ?? 'no reason given')}` };
  });
}

async function optionalCheck(what: string, check: (() => Promise<string | null>) | undefined, unset: string): Promise<DoctorFinding> {
  if (check === undefined) return { status: 'info', text: `${what}: ${unset}.` };
  try {
    const problem = await check();
    return problem === null ? { status: 'ok', text: `${what}: fine.` } : { status: 'problem', text: `${what}: ${escapeMrkdwn(problem)}` };
  } catch (err) {
    return { status: 'problem', text: `${what}: the check failed (${err instanceof Error ? escapeMrkdwn(err.message) : 'unknown error'}).` };
  }
}
