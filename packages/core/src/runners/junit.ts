/**
 * Reads JUnit XML as the common tools write it (pytest, node:test, jest-junit, Vitest, Maven
 * Surefire): `<testsuites>` or a lone `<testsuite>`, suites nested or not, test cases anywhere
 * below them, with `<failure>`, `<error>` and `<skipped>` children.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ShardwiseError } from '../errors';
import type { TestFailure, TestStatus } from './types';

export interface JUnitTestCase {
  name: string;
  classname: string;
  /** The `file` attribute of the test case, else of its nearest suite that has one. */
  file: string | undefined;
  status: TestStatus;
  durationMs: number;
  failure: TestFailure | undefined;
}

type XmlNode = Record<string, unknown>;

const REPEATED = new Set(['testsuites', 'testsuite', 'testcase', 'failure', 'error', 'skipped']);

const parser = new XMLParser({
  ignoreAttributes: false,
  // Prefixed: node:test's reporter writes both a `failure` attribute and a <failure> element.
  attributeNamePrefix: '@_',
  alwaysCreateTextNode: true,
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (tagName) => REPEATED.has(tagName),
});

function children(node: XmlNode, tag: string): XmlNode[] {
  const value = node[tag];
  return Array.isArray(value)
    ? value.filter((child): child is XmlNode => typeof child === 'object' && child !== null)
    : [];
}

function attribute(node: XmlNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

function text(node: XmlNode): string {
  const value = node['#text'];
  return typeof value === 'string' ? value.trim() : '';
}

function failureOf(element: XmlNode): TestFailure {
  const body = text(element);
  const message = attribute(element, 'message') ?? body.split('\n')[0] ?? '';
  return { message, stack: body === '' ? undefined : body };
}

function toTestCase(node: XmlNode, suiteFile: string | undefined): JUnitTestCase {
  const problem = [...children(node, 'failure'), ...children(node, 'error')][0];
  const skipped = children(node, 'skipped')[0];
  const seconds = Number(attribute(node, 'time') ?? 0);
  return {
    name: attribute(node, 'name') ?? '',
    classname: attribute(node, 'classname') ?? '',
    file: attribute(node, 'file') ?? suiteFile,
    status:
      problem !== undefined
        ? 'failed'
        : skipped === undefined
          ? 'passed'
          : // node:test marks its todo tests this way.
            attribute(skipped, 'type') === 'todo'
            ? 'todo'
            : 'skipped',
    durationMs: Number.isFinite(seconds) ? Math.round(seconds * 1000 * 1000) / 1000 : 0,
    failure: problem === undefined ? undefined : failureOf(problem),
  };
}

function collectTestCases(node: XmlNode, suiteFile: string | undefined, into: JUnitTestCase[]) {
  for (const testCase of children(node, 'testcase')) into.push(toTestCase(testCase, suiteFile));
  for (const suite of children(node, 'testsuite')) {
    collectTestCases(suite, attribute(suite, 'file') ?? suiteFile, into);
  }
}

/** Parses a JUnit report; `source` names it in errors. */
export function parseJUnitXml(xml: string, source: string): JUnitTestCase[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new ShardwiseError(
      'SHARDWISE_RUNNER_OUTPUT',
      `${source} is not valid JUnit XML: ${valid.err.msg} (line ${valid.err.line})`,
    );
  }
  const document: unknown = parser.parse(xml);
  const root = typeof document === 'object' && document !== null ? (document as XmlNode) : {};
  const cases: JUnitTestCase[] = [];
  for (const top of [...children(root, 'testsuites'), root]) {
    collectTestCases(top, undefined, cases);
  }
  return cases;
}
