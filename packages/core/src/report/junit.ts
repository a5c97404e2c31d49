/**
 * JUnit XML of a run, one <testsuite> per file: skipped and todo tests as <skipped/>, flaky files
 * as passed with a `flaky` property and the failed attempt in <system-out>, cached files with a
 * `cached` property, and a file that failed before any test as one test case named after the file
 * with an <error>.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { ReportFile, ReportTest, RunReport } from './report-schema';

type XmlNode = Record<string, unknown>;

function testCase(file: ReportFile, test: ReportTest): XmlNode {
  const node: XmlNode = {
    '@_name': test.name,
    '@_classname': file.path,
    '@_time': (test.durationMs / 1000).toFixed(3),
  };
  if (test.status === 'skipped' || test.status === 'todo')
    node['skipped'] = { '@_message': test.status };
  if (test.status === 'failed' && test.failure !== null) {
    const element = file.tests.length === 1 && test.name === file.path ? 'error' : 'failure';
    node[element] = {
      '@_message': test.failure.message.split('\n')[0] ?? '',
      '@_type': test.failure.category,
      '#text': [test.failure.message, test.failure.stack ?? ''].filter(Boolean).join('\n'),
    };
  }
  return node;
}

function properties(file: ReportFile): XmlNode | undefined {
  const list: XmlNode[] = [];
  if (file.cached) list.push({ '@_name': 'cached', '@_value': 'true' });
  if (file.status === 'flaky') list.push({ '@_name': 'flaky', '@_value': 'true' });
  if (file.status === 'quarantined') list.push({ '@_name': 'quarantined', '@_value': 'true' });
  if (file.status === 'notRun') list.push({ '@_name': 'notRun', '@_value': file.reason ?? 'true' });
  list.push({ '@_name': 'closureHash', '@_value': file.closureHash });
  return { property: list };
}

export function toJUnitXml(
  report: RunReport,
  failedAttempts: ReadonlyMap<string, ReportTest[][]> = new Map(),
): string {
  const suites = report.files.map((file) => {
    const cases =
      file.status === 'notRun'
        ? [
            {
              '@_name': file.path,
              '@_classname': file.path,
              '@_time': '0.000',
              skipped: { '@_message': file.reason ?? 'not run' },
            },
          ]
        : file.tests.map((t) => testCase(file, t));
    const attempts = failedAttempts.get(file.path);
    const suite: XmlNode = {
      '@_name': file.path,
      '@_tests': String(cases.length),
      '@_failures': String(file.tests.filter((t) => t.status === 'failed').length),
      '@_skipped': String(
        file.tests.filter((t) => t.status === 'skipped' || t.status === 'todo').length +
          (file.status === 'notRun' ? 1 : 0),
      ),
      '@_time': (file.durationMs / 1000).toFixed(3),
      properties: properties(file),
      testcase: cases,
    };
    if (attempts !== undefined && attempts.length > 0) {
      suite['system-out'] = attempts
        .map((tests, i) =>
          [
            `attempt ${i + 1} failed:`,
            ...tests
              .filter((t) => t.status === 'failed')
              .map((t) => `  ${t.name}: ${t.failure?.message ?? ''}`),
          ].join('\n'),
        )
        .join('\n');
    }
    return suite;
  });
  const s = report.summary;
  const document = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': 'shardwise',
      '@_tests': String(s.passed + s.failed + s.skipped + s.todo + s.notRunFiles),
      '@_failures': String(s.failed),
      '@_skipped': String(s.skipped + s.todo + s.notRunFiles),
      '@_time': (s.wallMs / 1000).toFixed(3),
      testsuite: suites,
    },
  };
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    format: true,
    suppressEmptyNode: true,
  });
  return builder.build(document) as string;
}
