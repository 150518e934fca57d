// The buttons people act on an alert with, shared by messages and Home. Every button's value is
// the alert id (Acknowledge's adds the incident's start); the snooze-until datetimepicker carries
// none, so the block_id holds the id too.
import type { ActionsBlock, ActionsBlockElement, Button } from '@slack/types';
import type { Acknowledgement, Alert } from '../../domain/types.js';
import { ACTION, alertActionsBlockId, incidentButtonValue } from './ids.js';
import { actions, button, plain } from './kit.js';

/** The incident a firing message belongs to: its Acknowledge button names it. */
export interface Incident {
  /** When it began (the alert's firingSince): a press on a later incident's message is refused. */
  since: Date;
  ack: Acknowledgement | null;
}

export type AlertButton = 'acknowledge' | 'runNow' | 'snooze1h' | 'snooze1d' | 'snoozeUntil' | 'pauseOrResume' | 'history' | 'edit';

const DAY_MS = 24 * 3600 * 1000;

/**
 * One actions block with the given buttons, in the given order. `now` sets the picker's initial
 * time (now + 1 day); Acknowledge shows only with the `incident` it acknowledges.
 */
export function alertActions(alert: Pick<Alert, 'id' | 'active'>, buttons: readonly AlertButton[], now?: Date, incident?: Incident): ActionsBlock {
  const elements: ActionsBlockElement[] = buttons.flatMap((b): ActionsBlockElement[] => {
    if (b === 'acknowledge') return incident === undefined ? [] : [acknowledgeButton(alert.id, incident)];
    return [element(b)];
  });
  return actions(alertActionsBlockId(alert.id), elements);

  function element(b: Exclude<AlertButton, 'acknowledge'>): ActionsBlockElement {
    switch (b) {
      case 'runNow':
        return button('Run now', ACTION.runNow, alert.id, 'primary');
      case 'snooze1h':
        return button('Snooze 1h', ACTION.snooze1h, alert.id);
      case 'snooze1d':
        return button('Snooze 1d', ACTION.snooze1d, alert.id);
      case 'snoozeUntil':
        return {
          type: 'datetimepicker',
          action_id: ACTION.snoozeUntil,
          ...(now ? { initial_date_time: Math.floor((now.getTime() + DAY_MS) / 1000) } : {}),
          // The picker has no label of its own: the dialog says what choosing a time does.
          confirm: {
            title: plain('Snooze until…', 100),
            text: plain('Snooze this alert until the time you picked? It runs again after that.', 300),
            confirm: plain('Snooze', 30),
            deny: plain('Cancel', 30),
          },
        };
      case 'pauseOrResume':
        return alert.active ? button('Pause', ACTION.pause, alert.id, 'danger') : button('Resume', ACTION.resume, alert.id);
      case 'history':
        return button('History', ACTION.history, alert.id);
      case 'edit':
        return button('Edit', ACTION.edit, alert.id);
    }
  }
}

/** Acknowledge while nobody has, Unacknowledge once someone has; either names the incident. */
export function acknowledgeButton(alertId: string, incident: Incident): Button {
  const value = incidentButtonValue(alertId, incident.since);
  return incident.ack === null ? button('Acknowledge', ACTION.acknowledge, value, 'primary') : button('Unacknowledge', ACTION.unacknowledge, value);
}
