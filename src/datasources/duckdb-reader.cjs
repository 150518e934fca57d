// The DuckDB reader: one helper process of a DuckDB data source (duckdb.ts starts it through
// helper-pool.ts). It opens an in-memory database that can reach nothing but the source's
// allowed directories, then answers { id, sql, limit } with { id, columns, rows } or
// { id, error: { code, message, column? } } (both with `dataBytes`, its data segment after the
// query), and
// { interrupt: id } by interrupting that query.
// Plain CommonJS, run by node directly, so it loads the same under tsx, ts-jest and node.
// argv[2]: JSON { allowedDirs, memoryLimitMiB, threads, cellCap, resultCap }.
'use strict';
/* global process, Buffer */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, run by node as it is */
const { DuckDBInstance, DuckDBTypeId, StatementType } = require('@duckdb/node-api');
// The raw vectors (string lengths before any string is made); node-api's own dependency.
const bindings = require(require.resolve('@duckdb/node-bindings', { paths: [require.resolve('@duckdb/node-api')] }));

const settings = JSON.parse(process.argv[2]);

/** 'text' and 'blob' are measured from DuckDB's string headers before a value is made. */
const MEASURED = new Map([
  [DuckDBTypeId.VARCHAR, (n) => n],
  [DuckDBTypeId.BLOB, (n) => 2 + 2 * n], // shown as \x hex
  [DuckDBTypeId.BIT, (n) => 8 * n], // shown as 0s and 1s
  [DuckDBTypeId.BIGNUM, (n) => 3 * n], // shown as decimal digits
  [DuckDBTypeId.GEOMETRY, (n) => 4 * n], // shown as text
]);
/** Values that are not one value: the query must turn them into text itself. */
const NESTED = new Set([
  DuckDBTypeId.LIST,
  DuckDBTypeId.STRUCT,
  DuckDBTypeId.MAP,
  DuckDBTypeId.ARRAY,
  DuckDBTypeId.UNION,
  DuckDBTypeId.VARIANT,
]);

/**
 * The table functions a query may call: the file readers (each file they open passes DuckDB's
 * allowed_directories check), their metadata, and generators. Every other one is refused, since
 * several act while the query is prepared, past the locked configuration (measured on 1.5:
 * enable_logging and enable_profiling write files into an allowed directory and log later
 * queries' SQL, query() and query_table() hide SQL in a string, glob() lists names through a
 * symlinked directory without the file check).
 */
const TABLE_FUNCTIONS = new Set([
  'read_csv',
  'read_csv_auto',
  'read_parquet',
  'parquet_scan',
  'read_json',
  'read_json_auto',
  'read_ndjson',
  'read_ndjson_auto',
  'read_json_objects',
  'read_json_objects_auto',
  'read_ndjson_objects',
  'read_text',
  'read_blob',
  'sniff_csv',
  'parquet_metadata',
  'parquet_schema',
  'parquet_file_metadata',
  'parquet_kv_metadata',
  'range',
  'generate_series',
  'unnest',
  'json_each',
  'json_tree',
]);
/** Scalar functions with an effect beyond their value: write_log writes to DuckDB's log, setseed changes later random(). */
const SCALAR_REFUSED = new Set(['write_log', 'setseed']);
/** Longest error message and column name sent on (bytes): DuckDB puts values in both, of any size. */
const MESSAGE_MAX = 2048;
const COLUMN_NAME_MAX = 256;

/** `text` cut to at most `max` UTF-8 bytes, on a character boundary. */
function cut(text, max) {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  let end = Math.min(text.length, max);
  while (end > 0 && Buffer.byteLength(text.slice(0, end), 'utf8') > max - 3) end--;
  return `${text.slice(0, end)}...`;
}

class ReaderError extends Error {
  constructor(code, message, column) {
    super(message);
    this.code = code;
    this.column = column;
  }
}

/** DuckDB's "Catalog Error: Table ... does not exist!" as { code: 'CATALOG', message: 'Table ...' }. */
function describe(err) {
  if (err instanceof ReaderError) return { code: err.code, message: cut(err.message, MESSAGE_MAX), column: err.column };
  const text = cut(String((err && err.message) || err), MESSAGE_MAX).replace(/^Failed to extract statements: /, '');
  const typed = /^([A-Za-z ]+?) Error: ([\s\S]*)$/.exec(text);
  if (typed) return { code: typed[1].toUpperCase().replace(/ /g, '_'), message: typed[2] };
  return { code: 'UNKNOWN', message: text };
}

const quote = (text) => `'${text.replace(/'/g, "''")}'`;

/**
 * The database: in memory (nothing to write), no spilling to disk, no extension installed or
 * loaded on demand, files only under the allowed directories, no network; then the settings are
 * locked so no statement can undo them.
 */
async function open() {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
    allow_unsigned_extensions: 'false',
    allow_persistent_secrets: 'false',
    temp_directory: '',
    memory_limit: `${settings.memoryLimitMiB}MiB`,
    threads: String(settings.threads),
  });
  const setup = await instance.connect();
  // allowed_directories is a list, which the C API's config cannot take: set it before the lock.
  const dirs = settings.allowedDirs.map((dir) => quote(dir.endsWith('/') ? dir : `${dir}/`));
  await setup.run(`SET allowed_directories = [${dirs.join(', ')}]`);
  await setup.run('SET enable_external_access = false');
  await setup.run('SET lock_configuration = true');
  setup.closeSync();
  return instance.connect();
}

/** Bytes of each string in a chunk's column, from its 16-byte headers (0 for NULL). */
function stringLengths(chunk, column, rowCount) {
  const vector = bindings.data_chunk_get_vector(chunk.chunk, column);
  const data = bindings.vector_get_data(vector, rowCount * 16);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const validity = bindings.vector_get_validity(vector, Math.ceil(rowCount / 64) * 8);
  const lengths = new Array(rowCount);
  for (let row = 0; row < rowCount; row++) {
    lengths[row] = bindings.validity_row_is_valid(validity, row) ? view.getUint32(row * 16, true) : 0;
  }
  return lengths;
}

/** A DuckDB value as a cell: numbers, booleans, text (times as ISO text, blobs as \x hex), NULL. */
function cell(value, typeId) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return Number(value);
  switch (typeId) {
    case DuckDBTypeId.DECIMAL:
      return value.toDouble();
    case DuckDBTypeId.BLOB:
      return `\\x${Buffer.from(value.bytes).toString('hex')}`;
    case DuckDBTypeId.TIMESTAMP_TZ: {
      const ms = Number(value.micros / 1000n);
      return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(value);
    }
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return String(value).replace(' ', 'T'); // wall time, no zone
    default:
      return String(value); // DATE, TIME, INTERVAL, UUID, BIT, GEOMETRY, ...
  }
}

const sizeOf = (v) => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v === null ? 0 : typeof v === 'boolean' ? 1 : 8);

/** The statement's first word, for the sentence ("this is a COPY statement"). */
const firstKeyword = (sql) =>
  (/^(?:\s|\(|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*([A-Za-z_]+)/.exec(sql)?.[1] ?? 'other').toUpperCase();

/**
 * Only a query may go further, decided by DuckDB's parser alone (json_serialize_sql parses and
 * serializes SELECT statements, nothing else), because preparing some statements already acts:
 * measured, preparing EXPORT DATABASE creates its directory.
 */
async function refuseAllButOneQuery(connection, sql) {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  const parsed = JSON.parse(String(reader.getRows()[0][0]));
  if (parsed.error) {
    if (parsed.error_type === 'parser') throw new ReaderError('PARSER', String(parsed.error_message));
    // A PIVOT without its values listed is two statements inside DuckDB (one finds the values).
    if (/\bPIVOT\b/i.test(sql)) throw new ReaderError('PIVOT_VALUES', 'PIVOT');
    throw new ReaderError('NOT_A_QUERY', firstKeyword(sql));
  }
  if (parsed.statements.length === 0) throw new ReaderError('NO_STATEMENT', 'no statement');
  if (parsed.statements.length > 1) throw new ReaderError('MULTIPLE_STATEMENTS', `${parsed.statements.length} statements`);
  const refused = refusedFunction(parsed.statements[0]);
  if (refused !== null) throw new ReaderError('FUNCTION_REFUSED', refused);
}

/** The first function in the parsed query that may not run (by the lists above), or null. */
function refusedFunction(tree) {
  const stack = [tree];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    if (node.type === 'TABLE_FUNCTION') {
      const name = String(node.function && node.function.function_name).toLowerCase();
      if (!TABLE_FUNCTIONS.has(name)) return name;
    } else if (node.class === 'FUNCTION' && SCALAR_REFUSED.has(String(node.function_name).toLowerCase())) {
      return String(node.function_name).toLowerCase();
    }
    for (const key of Object.keys(node)) stack.push(node[key]);
  }
  return null;
}

async function run(connection, task) {
  await refuseAllButOneQuery(connection, task.sql);
  checkInterrupt(task);
  let extracted;
  try {
    extracted = await connection.extractStatements(task.sql);
  } catch (err) {
    // Empty SQL or only comments: DuckDB finds no statement and has no error to give.
    if (/Error in native callback/.test(String(err && err.message))) throw new ReaderError('NO_STATEMENT', 'no statement');
    throw err;
  }
  if (extracted.count !== 1) throw new ReaderError('MULTIPLE_STATEMENTS', `${extracted.count} statements`);
  checkInterrupt(task);
  const prepared = await extracted.prepare(0);
  try {
    // Checked again once bound: only a query runs. COPY, EXPORT, ATTACH, INSTALL, LOAD, SET,
    // CREATE, EXPLAIN (ANALYZE runs its statement), CALL and the rest never get here.
    if (prepared.statementType !== StatementType.SELECT) throw new ReaderError('NOT_A_QUERY', firstKeyword(task.sql));
    const columns = [];
    const types = [];
    for (let i = 0; i < prepared.columnCount; i++) {
      // Cut as PostgreSQL cuts names (at 63 bytes): a name may be built from data (query(), an alias).
      columns.push(cut(prepared.columnName(i), COLUMN_NAME_MAX));
      types.push(prepared.columnTypeId(i));
      if (NESTED.has(types[i])) throw new ReaderError('NESTED_COLUMN', DuckDBTypeId[types[i]], columns[i]);
    }
    checkInterrupt(task);
    const result = await prepared.stream();
    const rows = [];
    // The names travel with the rows: they count against the result cap too.
    let used = columns.reduce((sum, name) => sum + Buffer.byteLength(name, 'utf8'), 0);
    if (used > settings.resultCap) throw new ReaderError('RESULT_TOO_LARGE', '');
    // One chunk (up to 2048 rows) at a time; the rest of the result is never computed.
    while (rows.length < task.limit) {
      const chunk = await result.fetchChunk();
      checkInterrupt(task);
      if (!chunk || chunk.rowCount === 0) break;
      const count = Math.min(chunk.rowCount, task.limit - rows.length);
      const lengths = types.map((type, c) => (MEASURED.has(type) ? stringLengths(chunk, c, count) : null));
      const vectors = types.map((_, c) => chunk.getColumnVector(c));
      for (let r = 0; r < count; r++) {
        const row = new Array(types.length);
        for (let c = 0; c < types.length; c++) {
          if (lengths[c]) {
            // Measured before the string is made: an oversized value never reaches V8.
            const bytes = MEASURED.get(types[c])(lengths[c][r]);
            if (bytes > settings.cellCap) throw new ReaderError('CELL_TOO_LARGE', '', columns[c]);
            if (used + bytes > settings.resultCap) throw new ReaderError('RESULT_TOO_LARGE', '');
          }
          row[c] = cell(vectors[c].getItem(r), types[c]);
          const bytes = sizeOf(row[c]);
          if (bytes > settings.cellCap) throw new ReaderError('CELL_TOO_LARGE', '', columns[c]);
          used += bytes;
        }
        if (used > settings.resultCap) throw new ReaderError('RESULT_TOO_LARGE', '');
        rows.push(row);
      }
    }
    return { columns, rows };
  } finally {
    prepared.destroySync();
  }
}

/**
 * The data segment in use (VmData), which the reader's limit counts: DuckDB's allocator keeps
 * address space long after the memory is free (measured: 690 MB held at 215 MB resident).
 */
function dataSegment() {
  try {
    const match = /^VmData:\s+(\d+) kB/m.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux: the resident size is the nearest figure
  }
  return process.memoryUsage().rss;
}

const ready = open();
ready.catch(() => undefined); // reported to each task below
let current;
/** The task whose interrupt arrived: checked between steps, where DuckDB's own flag may not reach. */
let interrupted;
const checkInterrupt = (task) => {
  if (interrupted === task.id) throw new ReaderError('INTERRUPT', 'Interrupted!');
};

process.on('message', (message) => {
  if (message.interrupt !== undefined) {
    if (current !== message.interrupt) return;
    interrupted = current;
    ready.then((connection) => connection.interrupt(), () => undefined);
    return;
  }
  const task = message;
  current = task.id;
  ready
    .then(
      (connection) => run(connection, task),
      (err) => Promise.reject(new ReaderError('OPEN_FAILED', describe(err).message)),
    )
    .then(
      (result) => ({ id: task.id, ...result }),
      (err) => ({ id: task.id, error: describe(err) }),
    )
    .then((reply) => {
      current = undefined;
      process.send({ ...reply, dataBytes: dataSegment() });
    });
});
process.on('disconnect', () => process.exit(0));
