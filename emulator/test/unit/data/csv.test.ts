import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CsvOptions, parseCsv, splitCsvFields, splitCsvRows } from '../../../data/index.ts';
import { csvMessages } from './guide.ts';

const comma: CsvOptions = { columnSeparator: ',', rowDelimiter: '\n', trimSpace: false };

test("the guide's CSV rows split into six fields; without enclose a quote is an ordinary character", () => {
  const [anna] = parseCsv(csvMessages[3]!, comma);
  assert.deepEqual(anna, {
    raw: '2020050901,2020-05-09,Anna Karenina",Russia,female,175',
    fields: ['2020050901', '2020-05-09', 'Anna Karenina"', 'Russia', 'female', '175'],
  });
  const all = parseCsv(csvMessages.join('\n'), comma);
  assert.equal(all.length, 6);
  assert.ok(all.every((r) => r.fields.length === 6));
});

test('rows: a trailing delimiter adds no row, blank rows are skipped, multi-character delimiters work', () => {
  assert.deepEqual(splitCsvRows('a,b\nc,d\n', comma), ['a,b', 'c,d']);
  assert.deepEqual(splitCsvRows('a\n\n\nb', comma), ['a', 'b']);
  assert.deepEqual(splitCsvRows('', comma), []);
  assert.deepEqual(splitCsvRows('\n', comma), []);
  assert.deepEqual(splitCsvRows('a\r\nb\r\n', { ...comma, rowDelimiter: '\r\n' }), ['a', 'b']);
  assert.deepEqual(splitCsvRows('1|2<EOR>3|4', { ...comma, rowDelimiter: '<EOR>' }), ['1|2', '3|4']);
});

test('fields: empty fields stay empty strings, \\N is NULL, multi-byte separators are allowed', () => {
  assert.deepEqual(splitCsvFields('a,,b,', comma), ['a', '', 'b', '']);
  assert.deepEqual(splitCsvFields('a,\\N,b', comma), ['a', null, 'b']);
  assert.deepEqual(splitCsvFields('\\N', comma), [null]);
  assert.deepEqual(splitCsvFields('x\\Ny', comma), ['x\\Ny']);
  assert.deepEqual(splitCsvFields('a||b||||c', { ...comma, columnSeparator: '||' }), ['a', 'b', '', 'c']);
  assert.deepEqual(splitCsvFields('α→β→γ', { ...comma, columnSeparator: '→' }), ['α', 'β', 'γ']);
  assert.deepEqual(splitCsvFields('a\tb', { ...comma, columnSeparator: '\t' }), ['a', 'b']);
  assert.deepEqual(splitCsvFields('a\x01b', { ...comma, columnSeparator: '\x01' }), ['a', 'b']);
});

test('enclose: separators and delimiters inside, doubled enclose is literal, enclosed \\N is text', () => {
  const opts = { ...comma, enclose: '"' };
  assert.deepEqual(splitCsvFields('1,"Faust, Johann",x', opts), ['1', 'Faust, Johann', 'x']);
  assert.deepEqual(splitCsvFields('"say ""hi""",2', opts), ['say "hi"', '2']);
  assert.deepEqual(splitCsvFields('"\\N",\\N', opts), ['\\N', null]);
  assert.deepEqual(splitCsvFields('Anna Karenina",Russia', opts), ['Anna Karenina"', 'Russia']);
  assert.deepEqual(splitCsvFields('"ab"cd,e', opts), ['abcd', 'e'], 'text after the closing enclose is kept');
  assert.deepEqual(
    parseCsv('1,"two\nlines"\n2,"x"\n', opts).map((r) => r.fields),
    [
      ['1', 'two\nlines'],
      ['2', 'x'],
    ],
  );
  assert.deepEqual(parseCsv('1,"unterminated\n2,x', opts), [
    { raw: '1,"unterminated\n2,x', fields: ['1', 'unterminated\n2,x'] },
  ]);
  assert.deepEqual(splitCsvFields("'a,b',c", { ...comma, enclose: "'" }), ['a,b', 'c']);
});

test('escape makes the next character literal, inside and outside enclose', () => {
  const opts = { ...comma, enclose: '"', escape: '\\' };
  assert.deepEqual(splitCsvFields('a\\,b,c', opts), ['a,b', 'c']);
  assert.deepEqual(splitCsvFields('"a\\"b",c', opts), ['a"b', 'c']);
  assert.deepEqual(splitCsvFields('\\N,x', opts), [null, 'x']);
  assert.deepEqual(splitCsvRows('a\\\nb\nc', { ...comma, escape: '\\' }), ['a\\\nb', 'c']);
});

test('trim_space trims spaces around fields outside the enclose characters', () => {
  const opts = { ...comma, enclose: '"', trimSpace: true };
  assert.deepEqual(splitCsvFields('  a , b ,"  c  " , \\N ', opts), ['a', 'b', '  c  ', null]);
  assert.deepEqual(splitCsvFields('  a , b ', comma), ['  a ', ' b ']);
  assert.deepEqual(
    splitCsvFields(' "x" ,y', { ...comma, enclose: '"' }),
    [' "x" ', 'y'],
    'enclose only at field start',
  );
});

test('property: random text never crashes or hangs the splitter; without enclose/escape fields re-join', () => {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const chars = ['a', 'b', ',', '\n', '"', "'", '\\', 'N', ' ', '|', 'é', '\r', '\t'];
  const separators = [',', '|', '||', ', ', '\t', 'ab'];
  const started = Date.now();
  for (let i = 0; i < 3000; i++) {
    const text = Array.from({ length: rand(60) }, () => chars[rand(chars.length)]).join('');
    const columnSeparator = separators[rand(separators.length)]!;
    const rowDelimiter = ['\n', '\r\n', '|'][rand(3)]!;
    const opts: CsvOptions = {
      columnSeparator,
      rowDelimiter,
      trimSpace: rand(2) === 0,
      ...(rand(2) === 0 ? { enclose: '"' } : {}),
      ...(rand(3) === 0 ? { escape: '\\' } : {}),
    };
    const records = parseCsv(text, opts);
    for (const r of records) assert.ok(r.raw.length > 0 && text.includes(r.raw));
    if (!opts.enclose && !opts.escape && !opts.trimSpace) {
      for (const r of records) {
        if (r.fields.every((f) => f !== null)) assert.equal(r.fields.join(columnSeparator), r.raw);
      }
    }
  }
  const big = 'x,'.repeat(200_000);
  assert.equal(splitCsvFields(big, comma).length, 200_001);
  assert.ok(Date.now() - started < 10_000);
});
