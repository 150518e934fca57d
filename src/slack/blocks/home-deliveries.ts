// Home's short "Recipients failing now" for the person's own alerts: a few lines, then where the
// rest are (`/alert doctor`). Nothing at all when none fails. Kept apart from home.ts, which
// lays out the rest of the tab.
import type { KnownBlock } from '@slack/types';
import { failingRecipientsDoc, type FailingLine } from '../../messages/failing-recipients.js';
import { divider } from '../../messages/slack/kit.js';
import { renderSlack } from '../../messages/slack/render-slack.js';

/** Lines Home shows; `/alert doctor` lists them all. */
const HOME_SHOWN = 5;

export interface HomeFailing {
  items: FailingLine[];
  windowHours: number;
  partial: boolean;
}

/** The section's blocks, ending with a divider; [] when nothing fails (or it could not be read). */
export function failingRecipientsBlocks(failing: HomeFailing | null | undefined): KnownBlock[] {
  if (failing === null || failing === undefined || failing.items.length === 0) return [];
  const doc = failingRecipientsDoc(failing.items, {
    timezone: null,
    shown: HOME_SHOWN,
    moreIn: { code: '/alert doctor' },
    windowHours: failing.windowHours,
    partial: failing.partial,
  });
  return [...(renderSlack(doc, { surface: 'view' }).message.blocks as KnownBlock[]), divider()];
}
