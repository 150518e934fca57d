// Vector: an alert's author switches Mustache's escaping off (a delimiter change, {{{ }}},
// {{& }}, a partial) and posts <!channel>, a disguised link or raw HTML. Such templates are
// refused at save, and one stored before renders as its own escaped text; broadcast words,
// mentions and links from the data are inert in Slack, and HTML is escaped in email.
import { describe, expect, it } from '@jest/globals';
import { renderMessageTemplate, templateProblem } from '../../src/messages/template.js';
import { validateAlertInput } from '../../src/services/alert-input.js';
import { composeMessage } from '../../src/messages/compose.js';
import { renderEmail } from '../../src/messages/email/render-email.js';
import { renderSlack } from '../../src/messages/slack/render-slack.js';
import { makeAlert, makeMessage } from '../support/fixtures.js';

const HOSTILE = '<!channel> <http://evil.example|your bank> <@U0CEO> <!subteam^S0ALL> @here <b>bold</b>';
const result = { columns: ['note'], rows: [[HOSTILE]], truncated: false };
const data = { alert: { name: 'n', description: '', condition: null }, value: HOSTILE, result };

const ESCAPING_OFF = [
  '{{=[[ ]]=}}[[value]]',
  '{{=<% %>=}}<%value%> <!channel>',
  '{{{value}}}',
  '{{&value}}',
  '{{>header}}',
  '{{#rows}}{{{note}}}{{/rows}}',
  '{{#rows}}{{=| |=}}|note||={{ }}=|{{/rows}}',
];

/** Slack text in which nothing can ping, mention or hide a link. */
function expectInert(mrkdwn: string): void {
  expect(mrkdwn).not.toMatch(/<!channel>|<!here>|<!subteam|<@U|<http/);
  expect(mrkdwn).not.toMatch(/@here\b/);
}

describe('templates that would switch escaping off', () => {
  it.each(ESCAPING_OFF)('are refused at save with a field error on the template: %s', (messageTemplate) => {
    expect(templateProblem(messageTemplate)).toMatch(/which Lookout does not allow/);
    const checked = validateAlertInput(
      {
        name: 'x',
        type: 'report',
        dataSource: 'sample',
        sql: 'SELECT 1',
        schedule: { cron: '0 9 * * *', timezone: 'UTC' },
        messageTemplate,
        recipients: [{ kind: 'slack_channel', id: 'C0OPS' }],
      },
      { dataSources: ['sample'], allowedHosts: [], actor: 'U0OWNER' },
    );
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(Object.keys(checked.errors)).toEqual(['messageTemplate']);
  });

  it.each(ESCAPING_OFF)('render as their own escaped text when stored before this check: %s', (template) => {
    const mrkdwn = renderMessageTemplate(`${template} <!channel>`, data, 'mrkdwn');
    expectInert(mrkdwn);
    const html = renderMessageTemplate(`${template} <b>x</b>`, data, 'html');
    expect(html).not.toMatch(/<b>|<!channel>/);
  });
});

describe('values from the data', () => {
  it('cannot ping, mention or disguise a link in a Slack message, through the template or the table', () => {
    const alert = makeAlert({ messageTemplate: 'Now {{value}}: {{#rows}}{{note}} {{/rows}}' });
    const message = renderSlack(composeMessage(makeMessage('firing', { alert, value: HOSTILE, result })), { surface: 'message' }).message;
    expectInert(JSON.stringify(message.blocks));
    expectInert(message.text);
  });

  it('stay text in email: the HTML part has no tags of theirs', () => {
    const alert = makeAlert({ messageTemplate: 'Now {{value}}' });
    const email = renderEmail(composeMessage(makeMessage('firing', { alert, value: HOSTILE, result })), { attachments: [], executionId: 'e1' });
    expect(email.html).not.toContain('<b>bold</b>');
    expect(email.html).toContain('&lt;b&gt;bold&lt;/b&gt;');
  });
});
