// MySQL errors as StarRocks sends them: code, SQLSTATE and text depend on where the FE raises them and on the
// version (§4.4, §6.4). All error texts of the FE surface are built here.
import type { Profile } from './profiles.ts';
import type { ParseError } from './sql/parser.ts';

export class SqlError extends Error {
  readonly code: number;
  readonly sqlState: string;
  constructor(code: number, sqlState: string, message: string) {
    super(message);
    this.code = code;
    this.sqlState = sqlState;
  }
}

/** Error factory bound to a profile. */
export class Errors {
  private readonly profile: Profile;
  constructor(profile: Profile) {
    this.profile = profile;
  }

  /** Analyzer (SemanticException) error: prefixed in 3.1+, bare 1064 before. */
  analysis(detail: string, code = 1064, sqlState = 'HY000'): SqlError {
    if (!this.profile.analyzerErrors) return new SqlError(1064, 'HY000', detail);
    return new SqlError(code, sqlState, `Getting analyzing error. Detail message: ${detail}.`);
  }

  /** Executor (DdlException/UserException) error: bare text, 1064/HY000 in every version. */
  ddl(detail: string): SqlError {
    return new SqlError(1064, 'HY000', detail);
  }

  syntax(e: ParseError): SqlError {
    const where = `Getting syntax error at line ${e.line}, column ${e.column}.`;
    if (this.profile.syntaxErrorStyle === 'legacy') {
      return new SqlError(1064, '42000', `${where} Detail message: Input '${e.found}' is not valid at this position.`);
    }
    return new SqlError(
      1064,
      '42000',
      `${where} Detail message: Unexpected input '${e.found}', the most similar input is {${e.expected.join(', ')}}.`,
    );
  }

  noDatabase(): SqlError {
    return this.profile.analyzerErrors
      ? this.analysis('No database selected', 1046, '3D000')
      : this.ddl('No database selected');
  }

  unknownDatabase(db: string): SqlError {
    return new SqlError(1049, '42000', `Unknown database '${db}'`);
  }

  unknownTable(name: string): SqlError {
    return new SqlError(1051, '42S02', `Unknown table '${name}'`);
  }

  jobNotFound(name: string): SqlError {
    if (this.profile.jobNotFound === 'manager')
      return this.ddl(`There is not operable routine load job with name ${name}`);
    return this.analysis(`Routine load job [${name}] not found when checking privilege`, 5089, '42000');
  }

  showJobNotFound(name: string, db: string, includeHistory: boolean): SqlError {
    const text =
      `There is no running job named ${name} in db ${db}. Include history? ${includeHistory}, ` +
      'you can try `show all routine load job for job_name` if you want to list stopped and cancelled jobs';
    if (!this.profile.showNotFoundPrefixed) return new SqlError(1064, 'HY000', text);
    return new SqlError(1064, 'HY000', `Getting analyzing error. Detail message: ${text}.`);
  }

  accessDenied(user: string, host: string, usingPassword: boolean): SqlError {
    return new SqlError(
      1045,
      '28000',
      `Access denied for user '${user}'@'${host}' (using password: ${usingPassword ? 'YES' : 'NO'})`,
    );
  }
}
