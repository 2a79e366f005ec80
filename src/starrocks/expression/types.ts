// Type names in CAST / CONVERT / typed arrays, as StarRocks' getBaseType / getDecimalType read them and
// ScalarType.toString prints them (rows 68-75): INTEGER/SIGNED/INT(11) → INT, STRING → VARCHAR(65533),
// DECIMAL(p,s) → DECIMAL64/DECIMAL128. A name StarRocks does not know (BOOL, LONG, ...) is refused.
import type { TypeNode } from './ast.ts';
import type { Parser } from './parser.ts';

const SAME = new Set([
  'TINYINT',
  'SMALLINT',
  'INT',
  'BIGINT',
  'LARGEINT',
  'FLOAT',
  'DOUBLE',
  'BOOLEAN',
  'DATE',
  'DATETIME',
  'TIME',
  'JSON',
  'BITMAP',
  'HLL',
  'PERCENTILE',
  'VARBINARY',
]);
const INTEGERS = new Set(['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'LARGEINT']);
const ALIASES: Record<string, string> = { INTEGER: 'INT', SIGNED: 'INT', UNSIGNED: 'BIGINT', BINARY: 'VARBINARY' };
const KNOWN =
  'TINYINT, SMALLINT, INT, BIGINT, LARGEINT, FLOAT, DOUBLE, BOOLEAN, DECIMAL(p,s), CHAR(n), VARCHAR(n), STRING, DATE, DATETIME, JSON, ARRAY<T>, MAP<K,V>, STRUCT<...>';

/** `(n[, m])` after a type name, as numbers. */
function sizes(p: Parser): number[] {
  if (!p.acceptOp('(')) return [];
  const out: number[] = [];
  do {
    const n = p.next();
    if (n.t !== 'num' || !/^\d+$/.test(n.v)) p.fail('expected a whole number in the type', n);
    out.push(Number(n.v));
  } while (p.acceptOp(','));
  p.expectOp(')', '")" closing the type size');
  return out;
}

function decimal(p: Parser, name: string): TypeNode {
  const at = p.peek();
  const [prec = name === 'DECIMAL' || name === 'DECIMALV2' ? 10 : 0, scale = 0] = sizes(p);
  const max = name === 'DECIMAL32' ? 9 : name === 'DECIMAL64' ? 18 : name === 'DECIMALV2' ? 27 : 38;
  if (prec < 1 || prec > max || scale > prec) {
    p.fail(`${name}(${prec},${scale}) is out of range: precision 1-${max}, scale at most the precision`, at);
  }
  if (name === 'DECIMALV2') return { k: 'scalar', name: `DECIMAL(${prec},${scale})` };
  const unified = name === 'DECIMAL' ? (prec <= 18 ? 'DECIMAL64' : 'DECIMAL128') : name;
  return { k: 'scalar', name: `${unified}(${prec},${scale})` };
}

function composite(p: Parser, up: string): TypeNode {
  p.expectOp('<', `"<" after ${up}`);
  let t: TypeNode;
  if (up === 'ARRAY') t = { k: 'array', item: parseType(p) };
  else if (up === 'MAP') {
    const key = parseType(p);
    p.expectOp(',', '"," between MAP key and value types');
    t = { k: 'map', key, value: parseType(p) };
  } else {
    const fields: Array<[string, TypeNode]> = [];
    do {
      const f = p.next();
      if (f.t !== 'id') p.fail('expected a field name in STRUCT<...>', f);
      fields.push([f.v, parseType(p)]);
    } while (p.acceptOp(','));
    t = { k: 'struct', fields };
  }
  p.expectOp('>', `">" closing ${up}<...>`);
  return t;
}

/** Reads a type; `already` is a type word the caller has consumed. */
export function parseType(p: Parser, already?: string): TypeNode {
  const tok = already ? undefined : p.next();
  if (tok && (tok.t !== 'id' || tok.quoted)) p.fail(`expected a type (${KNOWN})`, tok);
  const up = already ?? (tok?.v.toUpperCase() as string);
  if (up === 'ARRAY' || up === 'MAP' || up === 'STRUCT') return composite(p, up);
  if (up.startsWith('DECIMAL')) {
    if (!['DECIMAL', 'DECIMALV2', 'DECIMAL32', 'DECIMAL64', 'DECIMAL128'].includes(up))
      p.fail(`unknown type ${up}`, tok);
    return decimal(p, up);
  }
  if (up === 'STRING' || up === 'TEXT') return { k: 'scalar', name: 'VARCHAR(65533)' };
  if (up === 'CHAR' || up === 'VARCHAR') {
    const [n] = sizes(p);
    return { k: 'scalar', name: n === undefined ? (up === 'CHAR' ? 'CHAR(1)' : 'VARCHAR') : `${up}(${n})` };
  }
  let name = ALIASES[up] ?? up;
  if ((up === 'SIGNED' || up === 'UNSIGNED') && (p.isKw('INT') || p.isKw('INTEGER'))) p.i++;
  if (!SAME.has(name)) {
    const at = tok ?? p.peek();
    throw p.fail(`${up} is not a StarRocks type; expected one of ${KNOWN}`, at);
  }
  if (INTEGERS.has(name)) sizes(p); // display width, e.g. INT(11): not part of the type
  if (name === 'VARBINARY') sizes(p);
  name = name.toUpperCase();
  return { k: 'scalar', name };
}
