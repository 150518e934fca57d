// Waits for a condition by re-checking it whenever one of the given emitters reports a change,
// so tests wait for what they need instead of sleeping. Bounded by the test's own timeout.
/** Anything with on/off: a Node EventEmitter, or one of Puppeteer's (a BrowserContext). */
interface Emitter {
  on(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
}
type Source = [emitter: Emitter, event: string];

export function until(check: () => boolean, ...sources: Source[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const recheck = () => {
      let done: boolean;
      try {
        done = check();
      } catch (err) {
        stop();
        reject(err);
        return;
      }
      if (done) {
        stop();
        resolve();
      }
    };
    const stop = () => sources.forEach(([emitter, event]) => emitter.off(event, recheck));
    sources.forEach(([emitter, event]) => emitter.on(event, recheck));
    recheck();
  });
}
