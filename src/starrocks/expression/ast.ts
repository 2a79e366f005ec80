// The tree StarRocks' AstBuilder builds for a COLUMNS / WHERE expression (docs "starrocks-expression-printing"
// §1-2): literals already in their stored form (007 → 7, `-5` folded, `-a` → -1 * a), the version-independent
// parse-time rewrites done (CONVERT → CAST, RLIKE → REGEXP, EXTRACT → unit(x), isnull → IS NULL, date_add family
// → INTERVAL form). Version-dependent rewrites (add() → +, element_at → [], 3.1 sugars) are in printer.ts.

export type Node =
  | { k: 'slot'; name: string; quoted: boolean; table?: string }
  | { k: 'int'; v: string }
  | { k: 'dec'; v: string }
  | { k: 'float'; v: string }
  | { k: 'str'; v: string }
  | { k: 'hex'; v: string }
  | { k: 'bool'; v: boolean }
  | { k: 'null' }
  | { k: 'default' }
  | { k: 'date'; type: 'DATE' | 'DATETIME'; v: string; frac?: string }
  | { k: 'arith'; op: string; l: Node; r: Node }
  | { k: 'bitnot'; e: Node }
  | { k: 'cmp'; op: string; l: Node; r: Node }
  | { k: 'logic'; op: 'AND' | 'OR' | 'XOR'; l: Node; r: Node }
  | { k: 'not'; e: Node }
  | { k: 'isnull'; e: Node; not: boolean }
  | { k: 'in'; e: Node; list: Node[]; not: boolean }
  | { k: 'between'; e: Node; lo: Node; hi: Node; not: boolean }
  | { k: 'like'; op: 'LIKE' | 'REGEXP'; e: Node; p: Node }
  | { k: 'case'; base?: Node; whens: Array<[Node, Node]>; else?: Node }
  | { k: 'cast'; e: Node; type: TypeNode }
  | { k: 'call'; name: string; db?: string; args: Node[]; distinct?: boolean; star?: boolean }
  | { k: 'info'; name: string }
  | { k: 'tsfn'; name: string; e: Node; n: Node; unit: string }
  | { k: 'tsop'; op: '+' | '-'; e: Node; n: Node; unit: string; intervalFirst: boolean }
  | { k: 'tsdiff'; name: string; unit: string; a: Node; b: Node }
  | { k: 'interval'; n: Node; unit: string }
  | { k: 'subscript'; e: Node; i: Node }
  | { k: 'arrow'; e: Node; path: Node }
  | { k: 'lambda'; params: string[]; body: Node }
  | { k: 'array'; items: Node[]; type?: TypeNode }
  | { k: 'map'; entries: Array<[Node, Node]> };

/** A type as StarRocks holds it: `name` is what ScalarType/ArrayType.toString prints (rows 68-75). */
export type TypeNode =
  | { k: 'scalar'; name: string }
  | { k: 'array'; item: TypeNode }
  | { k: 'map'; key: TypeNode; value: TypeNode }
  | { k: 'struct'; fields: Array<[string, TypeNode]> };

export function typeText(t: TypeNode): string {
  switch (t.k) {
    case 'scalar':
      return t.name;
    case 'array':
      return `ARRAY<${typeText(t.item)}>`;
    case 'map':
      return `MAP<${typeText(t.key)},${typeText(t.value)}>`;
    case 'struct':
      return `STRUCT<${t.fields.map(([n, ft]) => `${n} ${typeText(ft)}`).join(', ')}>`;
  }
}

/** Children of a node, for walks (depth is bounded by the parser's limit). */
export function children(n: Node): Node[] {
  switch (n.k) {
    case 'arith':
    case 'cmp':
    case 'logic':
      return [n.l, n.r];
    case 'bitnot':
    case 'not':
    case 'isnull':
    case 'cast':
      return [n.e];
    case 'in':
      return [n.e, ...n.list];
    case 'between':
      return [n.e, n.lo, n.hi];
    case 'like':
      return [n.e, n.p];
    case 'case':
      return [...(n.base ? [n.base] : []), ...n.whens.flat(), ...(n.else ? [n.else] : [])];
    case 'call':
      return n.args;
    case 'tsfn':
    case 'tsop':
      return [n.e, n.n];
    case 'tsdiff':
      return [n.a, n.b];
    case 'interval':
      return [n.n];
    case 'subscript':
      return [n.e, n.i];
    case 'arrow':
      return [n.e, n.path];
    case 'lambda':
      return [n.body];
    case 'array':
      return n.items;
    case 'map':
      return n.entries.flat();
    default:
      return [];
  }
}
