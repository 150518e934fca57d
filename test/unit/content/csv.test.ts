import { describe, expect, it } from '@jest/globals';
import { toCsv } from '../../../src/content/csv.js';
import type { Cell, QueryResult } from '../../../src/domain/types.js';

const result = (columns: string[], rows: Cell[][], truncated = false): QueryResult => ({ columns, rows, truncated });
const text = (r: QueryResult, maxRows = 1000): string => toCsv(r, { bom: false, maxRows }).bytes.toString('utf8');

describe('toCsv', () => {
  it('writes a header row and CRLF after every record', () => {
    expect(text(result(['id', 'name'], [[1, 'a'], [2, 'b']]))).toBe('id,name\r\n1,a\r\n2,b\r\n');
  });

  it('quotes fields with commas and doubles quotes inside them', () => {
    expect(text(result(['v'], [['x,y'], ['he said "hi"'], ['plain']]))).toBe('v\r\n"x,y"\r\n"he said ""hi"""\r\nplain\r\n');
  });

  it('quotes fields holding a bare LF or CR, so the record stays one record', () => {
    expect(text(result(['a', 'b'], [['line 1\nline 2', 'x\ry']]))).toBe('a,b\r\n"line 1\nline 2","x\ry"\r\n');
    expect(text(result(['a'], [['one\r\ntwo']]))).toBe('a\r\n"one\r\ntwo"\r\n');
  });

  it('quotes a header that needs it', () => {
    expect(text(result(['a,b', 'c'], []))).toBe('"a,b",c\r\n');
  });

  it('writes NULL as an empty field and booleans as true/false', () => {
    expect(text(result(['a', 'b', 'c', 'd'], [[null, true, false, 0]]))).toBe('a,b,c,d\r\n,true,false,0\r\n');
  });

  it('writes numbers as JavaScript prints them', () => {
    expect(text(result(['n'], [[1.5], [-0.25], [1e21], [NaN]]))).toBe('n\r\n1.5\r\n-0.25\r\n1e+21\r\nNaN\r\n');
  });

  it('starts with exactly EF BB BF when bom is set, and not otherwise', () => {
    const r = result(['a'], [[1]]);
    const withBom = toCsv(r, { bom: true, maxRows: 10 }).bytes;
    expect([...withBom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(withBom.subarray(3).toString('utf8')).toBe('a\r\n1\r\n');
    expect(withBom[3]).toBe(0x61);
    expect(toCsv(r, { bom: false, maxRows: 10 }).bytes[0]).toBe(0x61);
  });

  it('encodes Korean as UTF-8', () => {
    const bytes = toCsv(result(['지역'], [['서울']]), { bom: false, maxRows: 10 }).bytes;
    // 지 = EC A7 80, 역 = EC 97 AD; 서 = EC 84 9C, 울 = EC 9A B8
    expect([...bytes]).toEqual([0xec, 0xa7, 0x80, 0xec, 0x97, 0xad, 0x0d, 0x0a, 0xec, 0x84, 0x9c, 0xec, 0x9a, 0xb8, 0x0d, 0x0a]);
  });

  it('keeps the first maxRows rows and says it cut', () => {
    const r = result(['n'], [[1], [2], [3], [4]]);
    const cut = toCsv(r, { bom: false, maxRows: 2 });
    expect(cut.bytes.toString('utf8')).toBe('n\r\n1\r\n2\r\n');
    expect(cut.rows).toBe(2);
    expect(cut.cut).toBe(true);
  });

  it('does not report a cut when the rows fit exactly', () => {
    const whole = toCsv(result(['n'], [[1], [2]]), { bom: false, maxRows: 2 });
    expect(whole.rows).toBe(2);
    expect(whole.cut).toBe(false);
  });

  it('writes only the header for an empty result', () => {
    const empty = toCsv(result(['a', 'b'], []), { bom: false, maxRows: 10 });
    expect(empty.bytes.toString('utf8')).toBe('a,b\r\n');
    expect(empty).toMatchObject({ rows: 0, cut: false });
  });
});
