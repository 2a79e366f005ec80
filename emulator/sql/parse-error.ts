// The syntax error both the statement parser and the expression parser raise; the FE turns it into StarRocks's
// "Getting syntax error at line L, column C" text (errors.ts).

export class ParseError extends Error {
  readonly line: number;
  /** 0-based, as ANTLR reports it in StarRocks' messages. */
  readonly column: number;
  readonly found: string;
  readonly expected: string[];
  constructor(found: string, line: number, column: number, expected: string[]) {
    super(`Unexpected input '${found}' at line ${line}, column ${column}; expected ${expected.join(', ')}`);
    this.found = found;
    this.line = line;
    this.column = column;
    this.expected = expected;
  }
}

/** Semantic errors detected while building the statement (StarRocks' analyzer errors). */
export class AnalysisError extends Error {}
