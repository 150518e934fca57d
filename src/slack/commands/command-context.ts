// What a `/alert` subcommand handler gets: who asked, where to answer (ephemeral, through the
// command's response_url), and the trigger for opening a modal.
import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../services/alert-service.js';
import type { HandlerDeps } from '../handler-deps.js';
import type { SlackMessage } from '../../messages/slack/limits.js';

export interface CommandContext {
  deps: HandlerDeps;
  client: WebClient;
  actor: Actor;
  /** Valid for 3 s from the command: open modals first. */
  triggerId: string;
  /** An ephemeral answer only the person sees. */
  reply(message: string | SlackMessage): Promise<void>;
  /** The person's timezone (cached lookup; UTC when Slack is slow). */
  timezone(): Promise<string>;
  /** The workspace's domain ("acme" of acme.slack.com) as the command says it; null when it does not. */
  teamDomain: string | null;
}
