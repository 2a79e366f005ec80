// The user guide's acceptance scenarios (docs: routine-load-user-guide.txt): table DDLs as column definitions,
// the data sets, and the job settings, shared by the data-library tests.
import { type ColumnDef, type LoadSpec, parseColumnType } from '../../../data/index.ts';

export function column(
  name: string,
  type: string,
  opts: { nullable?: boolean; key?: boolean; defaultValue?: string } = {},
): ColumnDef {
  return {
    name,
    type: parseColumnType(type),
    nullable: opts.nullable ?? true,
    isKey: opts.key ?? false,
    ...(opts.defaultValue !== undefined ? { defaultValue: opts.defaultValue } : {}),
  };
}

export const baseSpec: LoadSpec = {
  format: 'csv',
  columnSeparator: '\t',
  rowDelimiter: '\n',
  trimSpace: false,
  stripOuterArray: false,
  strictMode: false,
  timezone: 'Asia/Shanghai',
};

// CREATE TABLE example_db.example_tbl1 (`order_id` bigint NOT NULL, `pay_dt` date NOT NULL,
// `customer_name` varchar(26) NULL, `nationality` varchar(26) NULL, `price` double NULL) DUPLICATE KEY (order_id,pay_dt)
export const exampleTbl1: ColumnDef[] = [
  column('order_id', 'bigint', { nullable: false, key: true }),
  column('pay_dt', 'date', { nullable: false, key: true }),
  column('customer_name', 'varchar(26)'),
  column('nationality', 'varchar(26)'),
  column('price', 'double'),
];

export const csvJob: LoadSpec = {
  ...baseSpec,
  columnSeparator: ',',
  columns: ['order_id', 'pay_dt', 'customer_name', 'nationality', 'temp_gender', 'price'],
};

export const csvMessages = [
  '2020050802,2020-05-08,Johann Georg Faust,Deutschland,male,895',
  '2020050802,2020-05-08,Julien Sorel,France,male,893',
  '2020050803,2020-05-08,Dorian Grey,UK,male,1262',
  '2020050901,2020-05-09,Anna Karenina",Russia,female,175',
  '2020051001,2020-05-10,Tess Durbeyfield,US,female,986',
  '2020051101,2020-05-11,Edogawa Conan,japan,male,8924',
];

// CREATE TABLE `example_tbl2` (`commodity_id` varchar(26) NULL, `customer_name` varchar(26) NULL,
// `country` varchar(26) NULL, `pay_time` bigint(20) NULL, `pay_dt` date NULL, `price` double SUM NULL) AGGREGATE KEY(...)
export const exampleTbl2: ColumnDef[] = [
  column('commodity_id', 'varchar(26)', { key: true }),
  column('customer_name', 'varchar(26)', { key: true }),
  column('country', 'varchar(26)', { key: true }),
  column('pay_time', 'bigint(20)', { key: true }),
  column('pay_dt', 'date', { key: true }),
  { ...column('price', 'double'), aggregate: 'SUM' },
];

export const jsonJob: LoadSpec = {
  ...baseSpec,
  format: 'json',
  columns: [
    'commodity_id',
    'customer_name',
    'country',
    'pay_time',
    'price',
    "pay_dt=from_unixtime(pay_time, '%Y%m%d')",
  ],
  jsonPaths: ['$.commodity_id', '$.customer_name', '$.country', '$.pay_time', '$.price'],
};

export const jsonMessages = [
  '{"commodity_id": "1", "customer_name": "Mark Twain", "country": "US","pay_time": 1589191487,"price": 875}',
  '{"commodity_id": "2", "customer_name": "Oscar Wilde", "country": "UK","pay_time": 1589191487,"price": 895}',
  '{"commodity_id": "3", "customer_name": "Antoine de Saint-Exupéry","country": "France","pay_time": 1589191487,"price": 895}',
];

// CREATE TABLE example_db.sensor_log (`id` bigint NOT NULL, `name` varchar(26) NOT NULL, `checked` boolean NOT NULL,
// `data` double NULL, `sensor_type` varchar(26) NOT NULL) DUPLICATE KEY (id)
export const sensorLogTable: ColumnDef[] = [
  column('id', 'bigint', { nullable: false, key: true }),
  column('name', 'varchar(26)', { nullable: false }),
  column('checked', 'boolean', { nullable: false }),
  column('data', 'double'),
  column('sensor_type', 'varchar(26)', { nullable: false }),
];

export { sensorLogSchema } from '../../../../devenv/support/guide.ts';
