-- AlertRuntime.drawn: per recipient, what the thread's first message shows (the delivery's word),
-- kept with the threads so that any instance, or one after a restart, knows it without asking Slack.
ALTER TABLE alerts ADD COLUMN drawn jsonb NOT NULL DEFAULT '{}'::jsonb;
