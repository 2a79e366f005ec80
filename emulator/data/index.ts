// Public API of the emulator's data library (see contract.ts for the shapes shared with the control plane).

export { type AvroDecoder, type AvroRecord, createAvroDecoder, parseRegistryUrl } from './avro.ts';
export * from './contract.ts';
export { type CsvOptions, type CsvRecord, parseCsv, splitCsvFields, splitCsvRows } from './csv.ts';
export {
  type ArithmeticOp,
  type ComparisonOp,
  type EvalContext,
  type Expr,
  evaluate,
  type ParseOptions,
  parseExpression,
  referencedColumns,
  renderExpression,
  SUPPORTED_FUNCTIONS,
} from './expr.ts';
export { decodeJsonMessage, fieldsByName, fieldsByPaths, type JsonOptions, type JsonRecord } from './json.ts';
export { extractJsonPath, type JsonPathStep, parseJsonPath } from './json-path.ts';
export { parseJsonText, toJsonText } from './json-text.ts';
export {
  type ColumnMapping,
  createPipeline,
  parseColumnMapping,
  renderColumnsForShow,
  renderWhereForShow,
} from './pipeline.ts';
export { isValidTimeZone } from './time.ts';
export {
  type CastResult,
  castValue,
  compareValues,
  conversionFailure,
  convertValue,
  describeRaw,
  formatValue,
  MAX_VARCHAR_LENGTH,
  parseColumnType,
  renderColumnType,
  typeDebugName,
  validateValue,
} from './types.ts';
