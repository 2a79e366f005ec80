// Closing line 'N passed, N failed, N skipped' for CI log readers, after node's own spec summary.
export default async function* plainSummary(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.data?.details?.type === 'suite') continue;
    if (event.type === 'test:pass') {
      if (event.data.skip || event.data.todo) skipped++;
      else passed++;
    } else if (event.type === 'test:fail') {
      failed++;
    }
  }
  yield `${passed} passed, ${failed} failed, ${skipped} skipped\n`;
}
