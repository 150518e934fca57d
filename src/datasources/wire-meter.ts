// Counts the bytes a driver's socket receives during a query and destroys the socket once
// they pass the source's maxResultBytes. Drivers buffer a whole protocol message (a row, an
// error, a notice) before parsing it, so no check on parsed rows can stop a 540 MB value:
// pg-protocol would hold it and then fail to make it a string inside the socket's data
// handler, where nothing can catch the error and the process ends. Counting the raw bytes
// bounds what any result can cost, however it is built.
import type { Duplex } from 'node:stream';

export class WireMeter {
  private limit = Number.POSITIVE_INFINITY;
  private received = 0;
  /** True once this query passed its limit or was stopped: its connection is gone. */
  tripped = false;

  /** `stream`: the socket the driver reads, after connect (TLS replaces the plain one). */
  constructor(private readonly stream: Duplex) {
    // Ahead of the driver's own listener, so the chunk that passes the limit is the last one.
    stream.prependListener('data', (chunk: Buffer) => {
      this.received += chunk.length;
      if (this.received > this.limit) this.trip();
    });
  }

  /** Counts from zero up to `limit` bytes: one query (with its setup and cleanup). */
  start(limit: number): void {
    this.limit = limit;
    this.received = 0;
  }

  /** Stops counting: the connection is idle again. */
  stop(): void {
    this.limit = Number.POSITIVE_INFINITY;
  }

  /** Ends the connection now: the driver fails the query with a lost connection. */
  trip(): void {
    if (this.tripped) return;
    this.tripped = true;
    this.stream.destroy();
  }
}
