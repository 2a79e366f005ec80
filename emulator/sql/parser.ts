// Recursive-descent parser for the statements the emulator serves (see ast.ts). Syntax errors carry the offending
// token's position and what was expected; errors StarRocks raises while analysing (e.g. a repeated load property)
// are AnalysisError so the executor can phrase both the way the selected version does.
import type {
  ColumnSpec,
  KeysType,
  LoadProperties,
  OrderItem,
  Predicate,
  Property,
  QualifiedName,
  SelectItem,
  Statement,
} from './ast.ts';
import { DIALECT_3_4, type SqlDialect } from './dialect.ts';
import type { ColumnDesc, SrExpr } from './expr-ast.ts';
import { ExprParser } from './expr-parser.ts';
import { LexError, type Token, tokenize } from './lexer.ts';
import { AnalysisError, ParseError } from './parse-error.ts';
import { isReserved } from './reserved.ts';

export { AnalysisError, ParseError };

export interface ParseOptions {
  /** The client enabled CLIENT_MULTI_STATEMENTS; otherwise a second statement is a syntax error. */
  multiStatements?: boolean;
  /** The emulated version's expression grammar and rewrites (default: 3.4). */
  dialect?: SqlDialect;
}

export function parseStatements(sql: string, opts: ParseOptions = {}): { statement: Statement; text: string }[] {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch (e) {
    if (e instanceof LexError) throw new ParseError(sql.slice(0, 20), e.line, e.column - 1, ['<EOF>']);
    throw e;
  }
  const p = new Parser(sql, tokens, opts.dialect ?? DIALECT_3_4);
  const out: { statement: Statement; text: string }[] = [];
  for (;;) {
    while (p.acceptPunct(';')) {
      /* empty statements */
    }
    if (p.atEof()) break;
    if (out.length > 0 && !opts.multiStatements) p.fail(['<EOF>']);
    const start = p.peek().start;
    const statement = p.statement();
    out.push({ statement, text: sql.slice(start, p.lastEnd()).trim() });
    if (!p.atEof() && !p.isPunct(';')) p.fail([';', '<EOF>']);
  }
  if (out.length === 0) p.fail(['a statement']);
  return out;
}

export function parseStatement(sql: string, dialect?: SqlDialect): Statement {
  const all = parseStatements(sql, dialect ? { dialect } : {});
  return (all[0] as { statement: Statement }).statement;
}

const TYPE_STOP = new Set([
  'NULL',
  'NOT',
  'DEFAULT',
  'COMMENT',
  'SUM',
  'MAX',
  'MIN',
  'REPLACE',
  'REPLACE_IF_NOT_NULL',
  'HLL_UNION',
  'BITMAP_UNION',
  'PERCENTILE_UNION',
  'AUTO_INCREMENT',
  'KEY',
  'AS',
]);
const AGGREGATES = new Set(['SUM', 'MAX', 'MIN', 'REPLACE', 'REPLACE_IF_NOT_NULL', 'HLL_UNION', 'BITMAP_UNION']);
const SELECT_ITEM_END = new Set(['FROM', 'WHERE', 'ORDER', 'LIMIT', 'AS']);

class Parser {
  private pos = 0;
  private readonly sql: string;
  private readonly tokens: Token[];
  private readonly dialect: SqlDialect;

  constructor(sql: string, tokens: Token[], dialect: SqlDialect) {
    this.sql = sql;
    this.tokens = tokens;
    this.dialect = dialect;
  }

  /** Runs the expression grammar at the current token and moves past what it consumed. */
  private withExpr<T>(fn: (e: ExprParser) => T): T {
    const ep = new ExprParser(this.sql, this.tokens, this.pos, this.dialect);
    const out = fn(ep);
    this.pos = ep.pos;
    return out;
  }
  /** An expression and its source text (the text feeds error messages and the stored statement). */
  private expression(): { expr: SrExpr; text: string } {
    const first = this.peek();
    const expr = this.withExpr((ep) => ep.expression());
    return { expr, text: this.sql.slice(first.start, this.lastEnd()).trim() };
  }

  // ---- token helpers ----
  peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  lastEnd(): number {
    return this.pos > 0 ? (this.tokens[this.pos - 1] as Token).end : 0;
  }
  atEof(): boolean {
    return this.peek().kind === 'eof';
  }
  fail(expected: string[], at: Token = this.peek()): never {
    const found = at.kind === 'eof' ? '<EOF>' : this.sql.slice(at.start, at.end);
    throw new ParseError(found, at.line, at.column - 1, expected);
  }
  isKeyword(kw: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.value.toUpperCase() === kw;
  }
  acceptKeyword(...kws: string[]): boolean {
    for (let i = 0; i < kws.length; i++) if (!this.isKeyword(kws[i] as string, i)) return false;
    this.pos += kws.length;
    return true;
  }
  expectKeyword(...kws: string[]): void {
    for (const kw of kws) {
      if (!this.isKeyword(kw)) this.fail([kw]);
      this.next();
    }
  }
  isPunct(p: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'punct' && t.value === p;
  }
  acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.next();
    return true;
  }
  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) this.fail([`'${p}'`]);
  }
  identifier(_what = 'identifier'): string {
    const t = this.peek();
    // A reserved word names something only in backquotes (`order`, `partition`).
    if ((t.kind === 'ident' && !isReserved(t.value)) || t.kind === 'quoted') {
      this.next();
      return t.value;
    }
    // StarRocks's wording for a missing or reserved name, whatever the name is for.
    return this.fail(['a legal identifier']);
  }
  qualifiedName(): QualifiedName {
    const first = this.identifier();
    if (this.acceptPunct('.')) return { db: first, name: this.identifier() };
    return { name: first };
  }
  stringLiteral(): string {
    const t = this.peek();
    if (t.kind !== 'string') this.fail(['a string literal']);
    this.next();
    return t.value;
  }
  private integer(): number {
    const t = this.peek();
    if (t.kind !== 'number' || !/^\d+$/.test(t.value)) this.fail(['an integer']);
    this.next();
    return Number(t.value);
  }
  /** Source text of an expression: tokens up to a depth-0 comma/closing paren/`;`/one of `stop` keywords. */
  private expressionText(stop: Set<string>): string {
    const first = this.peek();
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (t.kind === 'punct') {
        if (t.value === '(') depth++;
        else if (t.value === ')') {
          if (depth === 0) break;
          depth--;
        } else if (depth === 0 && (t.value === ',' || t.value === ';')) break;
      } else if (depth === 0 && t.kind === 'ident' && stop.has(t.value.toUpperCase())) break;
      this.next();
    }
    if (this.peek() === first) this.fail(['an expression']);
    return this.sql.slice(first.start, this.lastEnd()).trim();
  }
  /** Skips a clause we accept but ignore (PARTITION BY ..., DISTRIBUTED BY ...), balanced in parentheses. */
  private skipClause(stop: Set<string>): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (t.kind === 'punct') {
        if (t.value === '(') depth++;
        else if (t.value === ')') depth--;
        else if (depth === 0 && t.value === ';') return;
      } else if (depth === 0 && t.kind === 'ident' && stop.has(t.value.toUpperCase())) return;
      this.next();
    }
  }
  private propertyList(): Property[] {
    this.expectPunct('(');
    const props: Property[] = [];
    // The grammar's propertyList needs at least one property: `PROPERTIES ()` is a syntax error.
    do {
      // visitProperty trims keys from 3.1.14 / 3.2.9 on (printing reference §4); values are never trimmed.
      const raw = this.stringLiteral();
      const key = this.dialect.trimPropertyKeys ? raw.trim() : raw;
      this.expectPunct('=');
      const value = this.stringLiteral();
      props.push([key, value]);
    } while (this.acceptPunct(','));
    this.expectPunct(')');
    return props;
  }
  private identifierList(): string[] {
    this.expectPunct('(');
    const names = [this.identifier()];
    while (this.acceptPunct(',')) names.push(this.identifier());
    this.expectPunct(')');
    return names;
  }
  private optionalLike(): string | undefined {
    if (!this.acceptKeyword('LIKE')) return undefined;
    return this.stringLiteral();
  }

  // ---- statements ----
  statement(): Statement {
    const t = this.peek();
    if (t.kind !== 'ident') this.fail(['a statement']);
    switch (t.value.toUpperCase()) {
      case 'CREATE':
        return this.create();
      case 'DROP':
        return this.drop();
      case 'ALTER':
        return this.alter();
      case 'PAUSE':
      case 'RESUME':
      case 'STOP': {
        this.next();
        this.expectKeyword('ROUTINE', 'LOAD', 'FOR');
        const job = this.qualifiedName();
        const kw = t.value.toUpperCase();
        if (kw === 'PAUSE') return { type: 'pause_routine_load', job };
        if (kw === 'RESUME') return { type: 'resume_routine_load', job };
        return { type: 'stop_routine_load', job };
      }
      case 'SHOW':
        return this.show();
      case 'DESC':
      case 'DESCRIBE':
        this.next();
        return this.describe();
      case 'USE':
        this.next();
        return { type: 'use', db: this.identifier('database name') };
      case 'SET':
        return this.set();
      case 'SELECT':
        return this.select();
      case 'INSERT':
        return this.insert();
      case 'ADMIN':
        return this.admin();
      case 'SYNC':
        // Waits for metadata to reach this FE; one FE here, so nothing to wait for.
        this.next();
        return { type: 'sync' };
      default:
        return this.fail(['CREATE', 'DROP', 'ALTER', 'SHOW', 'SELECT', 'INSERT', 'PAUSE', 'RESUME', 'STOP']);
    }
  }

  private create(): Statement {
    this.expectKeyword('CREATE');
    if (this.acceptKeyword('DATABASE') || this.acceptKeyword('SCHEMA')) {
      const ifNotExists = this.acceptKeyword('IF', 'NOT', 'EXISTS');
      return { type: 'create_database', name: this.identifier('database name'), ifNotExists };
    }
    if (this.acceptKeyword('TABLE')) return this.createTable();
    if (this.acceptKeyword('ROUTINE', 'LOAD')) return this.createRoutineLoad();
    return this.fail(['DATABASE', 'TABLE', 'ROUTINE LOAD']);
  }

  private createTable(): Statement {
    const ifNotExists = this.acceptKeyword('IF', 'NOT', 'EXISTS');
    const table = this.qualifiedName();
    this.expectPunct('(');
    const columns: ColumnSpec[] = [];
    do {
      if (this.isKeyword('INDEX')) this.expressionText(new Set());
      else columns.push(this.columnDef());
    } while (this.acceptPunct(','));
    this.expectPunct(')');
    let keysType: KeysType = 'DUPLICATE';
    let keys: string[] | undefined;
    let comment: string | undefined;
    let partitions: string[] | undefined;
    const clauseStarts = new Set([
      'ENGINE',
      'DUPLICATE',
      'AGGREGATE',
      'UNIQUE',
      'PRIMARY',
      'COMMENT',
      'PARTITION',
      'DISTRIBUTED',
      'ORDER',
      'PROPERTIES',
    ]);
    for (;;) {
      if (this.acceptKeyword('ENGINE')) {
        this.expectPunct('=');
        this.identifier('engine');
      } else if (this.isKeyword('DUPLICATE') || this.isKeyword('AGGREGATE') || this.isKeyword('UNIQUE')) {
        keysType = this.next().value.toUpperCase() as KeysType;
        this.expectKeyword('KEY');
        keys = this.identifierList();
      } else if (this.acceptKeyword('PRIMARY')) {
        keysType = 'PRIMARY';
        this.expectKeyword('KEY');
        keys = this.identifierList();
      } else if (this.acceptKeyword('COMMENT')) {
        comment = this.stringLiteral();
      } else if (this.isKeyword('PARTITION')) {
        const from = this.pos;
        this.next();
        this.skipClause(clauseStarts);
        partitions = this.partitionDefinitions(from, this.pos);
      } else if (this.isKeyword('DISTRIBUTED') || this.isKeyword('ORDER')) {
        this.next();
        this.skipClause(clauseStarts);
      } else if (this.acceptKeyword('PROPERTIES')) {
        this.propertyList();
      } else break;
    }
    const first = columns[0];
    if (!first) throw new AnalysisError('Table must have at least one column');
    const stmt: Statement = {
      type: 'create_table',
      table,
      ifNotExists,
      columns,
      keysType,
      keys: keys ?? [first.name],
    };
    if (comment !== undefined) stmt.comment = comment;
    if (partitions) stmt.partitions = partitions;
    return stmt;
  }

  /** Names of `PARTITION <name> VALUES …` inside a PARTITION BY RANGE/LIST clause (tokens from..to). */
  private partitionDefinitions(from: number, to: number): string[] {
    const names: string[] = [];
    for (let i = from + 1; i + 2 < to; i++) {
      const [kw, name, values] = [this.tokens[i], this.tokens[i + 1], this.tokens[i + 2]] as [Token, Token, Token];
      const isPartition = kw.kind === 'ident' && kw.value.toUpperCase() === 'PARTITION';
      const isValues = values.kind === 'ident' && values.value.toUpperCase() === 'VALUES';
      if (isPartition && isValues && (name.kind === 'ident' || name.kind === 'quoted')) names.push(name.value);
    }
    return names;
  }

  private columnDef(): ColumnSpec {
    const name = this.identifier('column name');
    const typeStart = this.peek();
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (t.kind === 'punct') {
        if (t.value === '(' || t.value === '<') depth++;
        else if (t.value === ')' || t.value === '>') {
          if (depth === 0) break;
          depth--;
        } else if (depth === 0 && t.value === ',') break;
      } else if (depth === 0 && t !== typeStart && t.kind === 'ident' && TYPE_STOP.has(t.value.toUpperCase())) break;
      this.next();
    }
    if (this.peek() === typeStart) this.fail(['a column type']);
    const spec: ColumnSpec = { name, typeText: this.sql.slice(typeStart.start, this.lastEnd()).trim() };
    for (;;) {
      const t = this.peek();
      const kw = t.kind === 'ident' ? t.value.toUpperCase() : '';
      if (AGGREGATES.has(kw)) {
        this.next();
        spec.aggregate = kw;
      } else if (this.acceptKeyword('NOT', 'NULL')) spec.nullable = false;
      else if (this.acceptKeyword('NULL')) spec.nullable = true;
      else if (this.acceptKeyword('DEFAULT')) {
        const v = this.peek();
        if (v.kind === 'string' || v.kind === 'number') {
          this.next();
          spec.defaultValue = v.value;
        } else if (this.acceptKeyword('NULL')) spec.defaultValue = null;
        else if (this.acceptKeyword('CURRENT_TIMESTAMP')) spec.defaultValue = 'CURRENT_TIMESTAMP';
        else this.fail(['a default value']);
      } else if (this.acceptKeyword('AUTO_INCREMENT')) {
        /* accepted, not emulated */
      } else if (this.acceptKeyword('COMMENT')) spec.comment = this.stringLiteral();
      else break;
    }
    return spec;
  }

  private loadProperties(allowed: 'create' | 'alter'): LoadProperties {
    const load: LoadProperties = {};
    const starts = () =>
      this.isKeyword('COLUMNS') ||
      this.isKeyword('ROWS') ||
      this.isKeyword('WHERE') ||
      this.isKeyword('PARTITION') ||
      this.isKeyword('PARTITIONS') ||
      this.isKeyword('TEMPORARY');
    if (!starts()) return load;
    do {
      if (this.acceptKeyword('COLUMNS', 'TERMINATED', 'BY')) {
        if (load.columnSeparator !== undefined) throw new AnalysisError('repeat setting of column separator');
        load.columnSeparator = this.stringLiteral();
      } else if (this.acceptKeyword('ROWS', 'TERMINATED', 'BY')) {
        if (load.rowDelimiter !== undefined) throw new AnalysisError('repeat setting of row delimiter');
        load.rowDelimiter = this.stringLiteral();
      } else if (this.acceptKeyword('COLUMNS')) {
        if (load.columns !== undefined) throw new AnalysisError('repeat setting of columns info');
        this.importColumns(load);
      } else if (this.acceptKeyword('WHERE')) {
        if (load.where !== undefined) throw new AnalysisError('repeat setting of where predicate');
        const { expr, text } = this.expression();
        load.where = text;
        load.whereExpr = expr;
      } else {
        const temporary = this.acceptKeyword('TEMPORARY');
        if (!this.acceptKeyword('PARTITIONS')) this.expectKeyword('PARTITION');
        if (load.partitions !== undefined) throw new AnalysisError('repeat setting of partition names');
        load.partitions = { temporary, names: this.partitionNames() };
      }
    } while (this.acceptPunct(',') && (starts() || this.fail(['COLUMNS', 'ROWS', 'WHERE', 'PARTITION'])));
    void allowed;
    return load;
  }

  /**
   * COLUMNS (name | name = expr, ...): `load.columns` keeps each item's text in input order (the data pipeline maps
   * source fields by it); `load.columnDescs` is StarRocks's list, plain names first (visitImportColumns, R9).
   */
  private importColumns(load: LoadProperties): void {
    this.expectPunct('(');
    const items: string[] = [];
    const plain: ColumnDesc[] = [];
    const assigned: ColumnDesc[] = [];
    do {
      const start = this.peek();
      let name = this.identifier('column name');
      // qualifiedName: only the last part survives (row 4).
      while (this.acceptPunct('.')) name = this.identifier('column name');
      if (this.acceptPunct('=')) {
        const expr: SrExpr = this.acceptKeyword('DEFAULT') ? { kind: 'default' } : this.expression().expr;
        assigned.push({ name, expr });
      } else plain.push({ name });
      items.push(this.sql.slice(start.start, this.lastEnd()).trim());
    } while (this.acceptPunct(','));
    this.expectPunct(')');
    load.columns = items;
    load.columnDescs = [...plain, ...assigned];
  }

  /** PARTITION p | PARTITION (p, 'q', `R`): identifiers or strings (visitIdentifierOrString, §4). */
  private partitionNames(): string[] {
    const one = () => (this.peek().kind === 'string' ? this.stringLiteral() : this.identifier('partition name'));
    if (!this.acceptPunct('(')) return [one()];
    const names = [one()];
    while (this.acceptPunct(',')) names.push(one());
    this.expectPunct(')');
    return names;
  }

  private createRoutineLoad(): Statement {
    const job = this.qualifiedName();
    this.expectKeyword('ON');
    // `ON db.t` is in the grammar (qualifiedName); the table is looked up by its last part.
    let table = this.identifier('table name');
    while (this.acceptPunct('.')) table = this.identifier('table name');
    const load = this.loadProperties('create');
    const properties = this.acceptKeyword('PROPERTIES') ? this.propertyList() : [];
    this.expectKeyword('FROM');
    const sourceType = this.identifier('data source type').toUpperCase();
    const sourceProperties = this.isPunct('(') ? this.propertyList() : [];
    return { type: 'create_routine_load', job, table, load, properties, sourceType, sourceProperties };
  }

  private alter(): Statement {
    this.expectKeyword('ALTER', 'ROUTINE', 'LOAD', 'FOR');
    const job = this.qualifiedName();
    const load = this.loadProperties('alter');
    const properties = this.acceptKeyword('PROPERTIES') ? this.propertyList() : [];
    const stmt: Statement = { type: 'alter_routine_load', job, load, properties, sourceProperties: [] };
    if (this.acceptKeyword('FROM')) {
      stmt.sourceType = this.identifier('data source type').toUpperCase();
      stmt.sourceProperties = this.propertyList();
    }
    return stmt;
  }

  private drop(): Statement {
    this.expectKeyword('DROP');
    if (this.acceptKeyword('DATABASE') || this.acceptKeyword('SCHEMA')) {
      const ifExists = this.acceptKeyword('IF', 'EXISTS');
      const name = this.identifier('database name');
      this.acceptKeyword('FORCE');
      return { type: 'drop_database', name, ifExists };
    }
    this.expectKeyword('TABLE');
    const ifExists = this.acceptKeyword('IF', 'EXISTS');
    const table = this.qualifiedName();
    this.acceptKeyword('FORCE');
    return { type: 'drop_table', table, ifExists };
  }

  private show(): Statement {
    this.expectKeyword('SHOW');
    if (this.acceptKeyword('DATABASES') || this.acceptKeyword('SCHEMAS')) return { type: 'show_databases' };
    if (this.acceptKeyword('TABLES')) {
      const stmt: Statement = { type: 'show_tables' };
      if (this.acceptKeyword('FROM') || this.acceptKeyword('IN')) stmt.db = this.identifier('database name');
      return stmt;
    }
    if (this.acceptKeyword('BACKENDS')) return { type: 'show_backends' };
    this.acceptKeyword('SESSION') || this.acceptKeyword('GLOBAL');
    if (this.acceptKeyword('VARIABLES')) {
      const like = this.optionalLike();
      return like === undefined ? { type: 'show_variables' } : { type: 'show_variables', like };
    }
    if (this.acceptKeyword('CREATE', 'ROUTINE', 'LOAD')) {
      return { type: 'show_create_routine_load', job: this.qualifiedName() };
    }
    const all = this.acceptKeyword('ALL');
    this.expectKeyword('ROUTINE', 'LOAD');
    // §1.1: only FROM names the database (no IN), and the TASK form requires its WHERE.
    if (!all && this.acceptKeyword('TASK')) {
      const stmt: Statement = { type: 'show_routine_load_task' };
      if (this.acceptKeyword('FROM')) stmt.fromDb = this.identifier('database name');
      this.expectKeyword('WHERE');
      stmt.where = this.showPredicate();
      return stmt;
    }
    const stmt: Statement = { type: 'show_routine_load', all, orderBy: [] };
    if (this.acceptKeyword('FOR')) stmt.job = this.qualifiedName();
    if (this.acceptKeyword('FROM')) stmt.fromDb = this.identifier('database name');
    if (this.acceptKeyword('WHERE')) stmt.where = this.showPredicate();
    if (this.acceptKeyword('ORDER', 'BY')) stmt.orderBy = this.showOrderItems();
    if (this.acceptKeyword('LIMIT')) stmt.limit = this.limit();
    return stmt;
  }

  /** SHOW … WHERE: the full expression grammar, then narrowed to what the show filter evaluates. */
  private showPredicate(): Predicate {
    const { expr } = this.expression();
    try {
      return toPredicate(expr);
    } catch (e) {
      if (e instanceof AnalysisError) return { kind: 'unsupported', message: e.message };
      throw e;
    }
  }

  /** SHOW … ORDER BY takes expressions; only column names order rows (other items are accepted, ignored). */
  private showOrderItems(): OrderItem[] {
    const items: OrderItem[] = [];
    do {
      const { expr } = this.expression();
      let desc = false;
      if (this.acceptKeyword('DESC')) desc = true;
      else this.acceptKeyword('ASC');
      if (expr.kind === 'slot') items.push({ column: expr.name, desc });
    } while (this.acceptPunct(','));
    return items;
  }

  private describe(): Statement {
    const table = this.qualifiedName();
    this.acceptKeyword('ALL');
    return { type: 'describe', table };
  }

  private limit(): number {
    const first = this.integer();
    if (this.acceptPunct(',')) return this.integer();
    if (this.acceptKeyword('OFFSET')) this.integer();
    return first;
  }

  private orderItems(): OrderItem[] {
    const items: OrderItem[] = [];
    do {
      const column = this.identifier('column name');
      let desc = false;
      if (this.acceptKeyword('DESC')) desc = true;
      else this.acceptKeyword('ASC');
      items.push({ column, desc });
    } while (this.acceptPunct(','));
    return items;
  }

  private set(): Statement {
    this.expectKeyword('SET');
    const assignments: { name: string; value: string }[] = [];
    do {
      if (this.acceptKeyword('NAMES')) {
        const v = this.peek();
        this.next();
        if (this.acceptKeyword('COLLATE')) this.next();
        assignments.push({ name: 'names', value: v.value });
        continue;
      }
      let name: string;
      const t = this.peek();
      if (t.kind === 'var') {
        this.next();
        name = t.value.replace(/^(session|global|local)\./i, '');
      } else {
        this.acceptKeyword('SESSION') || this.acceptKeyword('GLOBAL') || this.acceptKeyword('LOCAL');
        name = this.identifier('variable name');
      }
      if (!this.acceptPunct('=')) this.expectKeyword('TO');
      const v = this.peek();
      if (v.kind === 'eof') this.fail(['a value']);
      const value = this.expressionText(new Set());
      assignments.push({
        name: name.toLowerCase(),
        value: v.kind === 'string' && v.end === this.lastEnd() ? v.value : value,
      });
    } while (this.acceptPunct(','));
    return { type: 'set', assignments };
  }

  private select(): Statement {
    this.expectKeyword('SELECT');
    const items: SelectItem[] = [];
    do items.push(this.selectItem());
    while (this.acceptPunct(','));
    const stmt: Statement = { type: 'select', items, orderBy: [] };
    if (this.acceptKeyword('FROM')) stmt.from = this.qualifiedName();
    if (this.acceptKeyword('WHERE')) stmt.where = this.expressionText(new Set(['ORDER', 'LIMIT']));
    if (this.acceptKeyword('ORDER', 'BY')) stmt.orderBy = this.orderItems();
    if (this.acceptKeyword('LIMIT')) stmt.limit = this.limit();
    return stmt;
  }

  private selectItem(): SelectItem {
    const t = this.peek();
    let item: SelectItem;
    if (this.acceptPunct('*')) return { kind: 'star' };
    if (t.kind === 'ident' && t.value.toUpperCase() === 'COUNT' && this.isPunct('(', 1)) {
      this.next();
      this.next();
      if (!this.acceptPunct('*')) this.integer();
      this.expectPunct(')');
      item = { kind: 'count' };
    } else if (t.kind === 'var') {
      this.next();
      item = {
        kind: 'variable',
        name: t.value.replace(/^(session|global|local)\./i, ''),
        system: t.prefix === '@@',
        text: this.sql.slice(t.start, t.end),
      };
    } else if (t.kind === 'string' || t.kind === 'number' || (t.kind === 'ident' && t.value.toUpperCase() === 'NULL')) {
      this.next();
      const value = t.kind === 'number' ? Number(t.value) : t.kind === 'string' ? t.value : null;
      item = { kind: 'literal', value, text: this.sql.slice(t.start, t.end) };
    } else if ((t.kind === 'ident' || t.kind === 'quoted') && this.isPunct('(', 1)) {
      this.next();
      this.next();
      let depth = 0;
      while (!(depth === 0 && this.isPunct(')')) && !this.atEof()) {
        if (this.isPunct('(')) depth++;
        if (this.isPunct(')')) depth--;
        this.next();
      }
      this.expectPunct(')');
      item = { kind: 'function', name: t.value.toLowerCase(), text: this.sql.slice(t.start, this.lastEnd()) };
    } else if (t.kind === 'ident' || t.kind === 'quoted') {
      let name = this.identifier();
      while (this.acceptPunct('.')) name = this.identifier();
      item = { kind: 'column', name };
    } else return this.fail(['a select item']);
    if (this.acceptKeyword('AS')) item.alias = this.peek().kind === 'string' ? this.stringLiteral() : this.identifier();
    else {
      const a = this.peek();
      if ((a.kind === 'ident' && !SELECT_ITEM_END.has(a.value.toUpperCase())) || a.kind === 'quoted') {
        item.alias = this.identifier();
      }
    }
    return item;
  }

  private insert(): Statement {
    this.expectKeyword('INSERT', 'INTO');
    const table = this.qualifiedName();
    let columns: string[] | undefined;
    if (this.isPunct('(')) columns = this.identifierList();
    this.expectKeyword('VALUES');
    const rows: (string | null)[][] = [];
    do {
      this.expectPunct('(');
      const row: (string | null)[] = [];
      do {
        const neg = this.acceptPunct('-');
        const t = this.peek();
        if (t.kind === 'string' && !neg) row.push(t.value);
        else if (t.kind === 'number') row.push(neg ? `-${t.value}` : t.value);
        else if (t.kind === 'ident' && t.value.toUpperCase() === 'NULL' && !neg) row.push(null);
        else if (t.kind === 'ident' && /^(TRUE|FALSE)$/i.test(t.value) && !neg) row.push(t.value.toLowerCase());
        else this.fail(['a literal']);
        this.next();
      } while (this.acceptPunct(','));
      this.expectPunct(')');
      rows.push(row);
    } while (this.acceptPunct(','));
    const stmt: Statement = { type: 'insert', table, rows };
    if (columns) stmt.columns = columns;
    return stmt;
  }

  private admin(): Statement {
    this.expectKeyword('ADMIN');
    if (this.acceptKeyword('SHOW', 'FRONTEND', 'CONFIG')) {
      const like = this.optionalLike();
      return like === undefined ? { type: 'admin_show_config' } : { type: 'admin_show_config', like };
    }
    if (this.acceptKeyword('SET', 'FRONTEND', 'CONFIG'))
      return { type: 'admin_set_config', properties: this.propertyList() };
    return this.fail(['SHOW FRONTEND CONFIG', 'SET FRONTEND CONFIG']);
  }
}

const SHOW_FILTER_HELP = 'only comparisons, LIKE and IN of a column with constants, combined with AND/OR/NOT';

function showLiteral(e: SrExpr): string | number {
  if (e.kind === 'string') return e.value;
  if (e.kind === 'int') return Number(e.value);
  if (e.kind === 'decimal') return Number(e.text);
  throw new AnalysisError(`Unsupported where clause: ${SHOW_FILTER_HELP}`);
}

function showColumn(e: SrExpr): string {
  if (e.kind !== 'slot') throw new AnalysisError(`Unsupported where clause: ${SHOW_FILTER_HELP}`);
  return e.name;
}

/** Narrows a parsed SHOW filter to the predicate tree the show code evaluates; anything else is an analysis error. */
export function toPredicate(e: SrExpr): Predicate {
  switch (e.kind) {
    case 'and':
    case 'or':
      return { kind: e.kind, left: toPredicate(e.left), right: toPredicate(e.right) };
    case 'not':
      if (e.operand.kind === 'like')
        return { ...(toPredicate(e.operand) as Predicate & { kind: 'like' }), negated: true };
      return { kind: 'not', operand: toPredicate(e.operand) };
    case 'like':
      if (e.op !== 'LIKE' || e.pattern.kind !== 'string') break;
      return { kind: 'like', column: showColumn(e.operand), pattern: e.pattern.value, negated: false };
    case 'in':
      return { kind: 'in', column: showColumn(e.operand), values: e.list.map(showLiteral), negated: e.negated };
    case 'compare':
      if (e.op === '<=>') break;
      return { kind: 'compare', column: showColumn(e.left), op: e.op, value: showLiteral(e.right) };
    default:
      break;
  }
  throw new AnalysisError(`Unsupported where clause: ${SHOW_FILTER_HELP}`);
}
