// The expression tree as StarRocks's AstBuilder leaves it for a Routine Load job: the raw parse tree with the
// parse-time rewrites already applied (printing reference §1.2, R8) and no analysis. Parentheses are not kept
// (R1/R3), which is exactly why printing and re-parsing can change a job's meaning (§6).

export type SrExpr =
  /** `backQuoted`: written in backquotes; `forceQuoted`: rewritten by ALTER's castSlotRef (§6). */
  | { kind: 'slot'; name: string; table?: string[]; backQuoted: boolean; forceQuoted?: boolean }
  /** IntLiteral / LargeIntLiteral: the value; printed as canonical decimal digits. */
  | { kind: 'int'; value: bigint }
  /** DecimalLiteral: BigDecimal text (toPlainString); FloatLiteral: Double.toString. */
  | { kind: 'decimal'; text: string }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; text: string; time: boolean }
  /** `COLUMNS (c = DEFAULT)`: DefaultValueExpr, whose toSql is null (row 96). */
  | { kind: 'default' }
  | { kind: 'arith'; op: ArithOp; left: SrExpr; right: SrExpr }
  | { kind: 'bitnot'; operand: SrExpr }
  | { kind: 'compare'; op: CompareOp; left: SrExpr; right: SrExpr }
  | { kind: 'and' | 'or'; left: SrExpr; right: SrExpr }
  | { kind: 'not'; operand: SrExpr }
  | { kind: 'in'; operand: SrExpr; list: SrExpr[]; negated: boolean }
  | { kind: 'between'; operand: SrExpr; low: SrExpr; high: SrExpr; negated: boolean }
  | { kind: 'like'; op: 'LIKE' | 'REGEXP'; operand: SrExpr; pattern: SrExpr }
  | { kind: 'isnull'; operand: SrExpr; negated: boolean }
  | { kind: 'case'; operand?: SrExpr; whens: { when: SrExpr; result: SrExpr }[]; otherwise?: SrExpr }
  | { kind: 'cast'; operand: SrExpr; type: SrType }
  /** `name` is lower case (FunctionName lower-cases it), possibly `db.fn`. */
  | { kind: 'call'; name: string; args: SrExpr[] }
  /** InformationFunction: CURRENT_USER(), DATABASE(), CONNECTION_ID() print in upper case. */
  | { kind: 'info'; name: string }
  /** TimestampArithmeticExpr: date_add(dt, INTERVAL 1 DAY), dt + INTERVAL 2 HOUR, timestampdiff(SECOND, a, b). */
  | {
      kind: 'timeArith';
      fn?: string;
      op?: '+' | '-';
      intervalFirst?: boolean;
      date: SrExpr;
      amount: SrExpr;
      unit: string;
    }
  | { kind: 'interval'; amount: SrExpr; unit: string }
  | { kind: 'subscript'; base: SrExpr; index: SrExpr }
  | { kind: 'arrow'; base: SrExpr; path: string }
  | { kind: 'lambda'; params: string[]; body: SrExpr }
  | { kind: 'array'; items: SrExpr[]; type?: SrType }
  | { kind: 'map'; entries: { key: SrExpr; value: SrExpr }[] };

export type ArithOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | 'DIV'
  | '&'
  | '|'
  | '^'
  | 'BITSHIFTLEFT'
  | 'BITSHIFTRIGHT'
  | 'BITSHIFTRIGHTLOGICAL';
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '<=>';

/** A type as ScalarType/ArrayType/MapType hold it. */
export type SrType =
  | { kind: 'scalar'; name: string; len?: number; precision?: number; scale?: number }
  | { kind: 'array'; item: SrType }
  | { kind: 'map'; key: SrType; value: SrType }
  | { kind: 'struct'; fields: { name: string; type: SrType }[] };

/** One COLUMNS entry: a plain name, or `name = expr` (ImportColumnDesc). */
export interface ColumnDesc {
  name: string;
  expr?: SrExpr;
}

/** Direct children, for walks that do not care about the node kind. */
export function childrenOf(e: SrExpr): SrExpr[] {
  switch (e.kind) {
    case 'arith':
    case 'compare':
    case 'and':
    case 'or':
      return [e.left, e.right];
    case 'bitnot':
    case 'not':
    case 'isnull':
    case 'cast':
      return [e.operand];
    case 'in':
      return [e.operand, ...e.list];
    case 'between':
      return [e.operand, e.low, e.high];
    case 'like':
      return [e.operand, e.pattern];
    case 'case':
      return [
        ...(e.operand ? [e.operand] : []),
        ...e.whens.flatMap((w) => [w.when, w.result]),
        ...(e.otherwise ? [e.otherwise] : []),
      ];
    case 'call':
      return e.args;
    case 'timeArith':
      return [e.date, e.amount];
    case 'interval':
      return [e.amount];
    case 'subscript':
      return [e.base, e.index];
    case 'arrow':
      return [e.base];
    case 'lambda':
      return [e.body];
    case 'array':
      return e.items;
    case 'map':
      return e.entries.flatMap((x) => [x.key, x.value]);
    default:
      return [];
  }
}
