// Which pg errors mean the server could not be reached or the connection broke (a restart,
// a failover, a network cut), as opposed to a statement the server refused. Read by shape,
// so the rules are testable without a server.

/** Node socket errors on connecting or on a connection in use. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * SQLSTATE class 08 (connection exception) and the shutdown codes: 57P01 admin_shutdown
 * (a fast restart ends sessions), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up).
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03']);

// pg reports a connection that ended mid-query without a code.
const ENDED = /^Connection terminated|^Client has encountered a connection error|timeout exceeded when trying to connect/;

export function isUnreachable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e === null || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || SQLSTATES.has(e.code) || e.code.startsWith('08'))) return true;
  return typeof e.message === 'string' && ENDED.test(e.message);
}
