// Workflow triggers that run untrusted code with the repository's token and secrets. A
// pull_request_target or workflow_run workflow runs the base branch's workflow with a token
// that can write and with the repository's secrets (GitHub's security-hardening guide); it is
// safe only while it runs no code of the pull request. Refused, reading the parsed workflows:
//   workflow-untrusted-code     a job of such a workflow checks out the pull request's head
//                               (actions/checkout with a ref or repository of the head, a git
//                               or gh command fetching it);
//   workflow-untrusted-secrets  a job that does so also reads secrets.
// A reusable workflow (./.github/workflows/x.yml) called from such a workflow runs with its
// caller's event and is held to the same.
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';

export const PRIVILEGED_TRIGGERS = ['pull_request_target', 'workflow_run'];

// Expressions that name the pull request's (or the triggering run's) code, not the base's.
const HEAD = /github\.head_ref|github\.event\.pull_request\.(?:head\.|merge_commit_sha)|github\.event\.workflow_run\.head_|refs\/pull\//;
const FETCHES_HEAD = /\bgh\s+pr\s+checkout\b|\bgit\s+(?:fetch|checkout|switch|pull)\b.*(?:github\.head_ref|github\.event\.pull_request\.head\.|github\.event\.workflow_run\.head_|refs\/pull\/|pull\/[^\s]*\/head)/;
const SECRET = /\$\{\{[^}]*\bsecrets\./;

const get = (node, key) => (isMap(node) ? node.get(key, true) : undefined);
const text = (node) => (isScalar(node) ? String(node.value ?? '') : '');
const items = (node) => (isSeq(node) ? node.items : []);

/** Every scalar under a node, with the node itself (to tell its line). */
function scalars(node, found = []) {
  if (isScalar(node)) found.push(node);
  else if (isMap(node)) for (const pair of node.items) scalars(pair.value, found);
  else if (isSeq(node)) for (const item of node.items) scalars(item, found);
  return found;
}

const jobsOf = (document) => {
  const jobs = get(document.contents, 'jobs');
  return isMap(jobs) ? jobs.items : [];
};

/** The events a workflow's `on:` names: a string, a list or a map's keys. */
function triggers(document) {
  const on = get(document.contents, 'on');
  if (isScalar(on)) return [text(on)];
  if (isSeq(on)) return on.items.map(text);
  if (isMap(on)) return on.items.map((pair) => text(pair.key));
  return [];
}

/** The steps of a job that bring the head's code into the workspace. */
function headCheckouts(job) {
  return items(get(job, 'steps')).filter((step) => {
    const uses = text(get(step, 'uses'));
    if (/^actions\/checkout@/.test(uses)) {
      const withs = get(step, 'with');
      return ['ref', 'repository'].some((key) => HEAD.test(text(get(withs, key))));
    }
    return FETCHES_HEAD.test(text(get(step, 'run')));
  });
}

/**
 * Checks workflows [{ file, text }] (file relative to the repository); returns findings
 * { file, line, rule, message }.
 */
export function checkWorkflowTriggers(workflows) {
  const parsed = workflows.map(({ file, text: source }) => {
    const lineCounter = new LineCounter();
    const document = parseDocument(source, { lineCounter });
    const line = (node) => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
    return { file, document, line, events: triggers(document).filter((event) => PRIVILEGED_TRIGGERS.includes(event)) };
  });
  // A called workflow runs with its caller's event.
  const byPath = new Map(parsed.map((workflow) => [`./${workflow.file.replaceAll('\\', '/')}`, workflow]));
  for (let changed = true; changed;) {
    changed = false;
    for (const caller of parsed.filter((workflow) => workflow.events.length > 0)) {
      for (const pair of jobsOf(caller.document)) {
        const called = byPath.get(text(get(pair.value, 'uses')));
        for (const event of caller.events) {
          if (called && !called.events.includes(event)) {
            called.events.push(event);
            called.via = called.via ?? caller.file;
            changed = true;
          }
        }
      }
    }
  }
  const findings = [];
  for (const { file, document, line, events, via } of parsed) {
    if (events.length === 0) continue;
    const how = `${events.join(' and ')}${via ? ` (called from ${via})` : ''} runs with a token that can write and with the repository's secrets`;
    for (const pair of jobsOf(document)) {
      const job = text(pair.key);
      const checkouts = headCheckouts(pair.value);
      for (const step of checkouts) {
        findings.push({ file, line: line(step), rule: 'workflow-untrusted-code', message: `job "${job}" checks out the pull request's head: ${how}; run the head's code under pull_request instead` });
      }
      if (checkouts.length === 0) continue;
      const secrets = scalars(pair.value).filter((node) => SECRET.test(text(node)));
      const inherit = get(pair.value, 'secrets');
      if (inherit) secrets.push(inherit);
      for (const node of secrets) {
        findings.push({ file, line: line(node), rule: 'workflow-untrusted-secrets', message: `job "${job}" hands secrets to the pull request's code it checks out (${how})` });
      }
    }
  }
  return findings;
}
