// The Inputs and Outputs tables of every module's README, generated from its
// variables.tf and outputs.tf (what terraform-docs writes, between the same markers), so
// a README cannot drift from the interface it documents. `node check.mjs ../.. --fix`
// writes them; the check reports a README whose tables are stale.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';

export const BEGIN = '<!-- BEGIN_TF_DOCS -->';
export const END = '<!-- END_TF_DOCS -->';

/** The longest type or default written out in a table cell; longer ones are abridged. */
const CELL = 48;

function expression(value) {
  return String(value).replace(/^\$\{([\s\S]*)\}$/, '$1');
}

function oneLine(text) {
  return String(text).replace(/\s+/g, ' ').replace(/\(\s/g, '(').replace(/\s\)/g, ')').replace(/\{\s/g, '{ ').trim();
}

function cell(text) {
  return String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A description as table text: a <name> placeholder is text, not an HTML tag. */
function prose(text) {
  return cell(text).replace(/</g, '&lt;');
}

function renderType(type) {
  if (type === undefined) return 'any';
  const text = oneLine(expression(type));
  if (text.length <= CELL) return `\`${text}\``;
  // object({ ... }) or list(object({ ... })): the shape is in variables.tf.
  const head = /^[a-z]+\((?:[a-z]+\()?/.exec(text)?.[0] ?? '';
  const open = head + (text.slice(head.length).startsWith('{') ? '{…}' : '…');
  return `\`${open}${')'.repeat((head.match(/\(/g) ?? []).length)}\``;
}

function renderDefault(variable) {
  if (!('default' in variable)) return 'required';
  const value = variable.default;
  if (value === null) return '`null`';
  const text = typeof value === 'string' ? JSON.stringify(expression(value)) : JSON.stringify(value);
  return text.length <= CELL ? `\`${text}\`` : 'see `variables.tf`';
}

/** The blocks of one kind in declaration order, with their attributes. */
async function blocks(file, kind) {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const parsed = (await parse(path.basename(file), text))[kind] ?? {};
  const order = [...text.matchAll(new RegExp(`^${kind}\\s+"([^"]+)"`, 'gm'))].map((match) => match[1]);
  return order.map((name) => ({ name, ...parsed[name][0] }));
}

/** The generated part of one module's README. */
export async function moduleDocs(moduleDir) {
  const variables = await blocks(path.join(moduleDir, 'variables.tf'), 'variable');
  const outputs = await blocks(path.join(moduleDir, 'outputs.tf'), 'output');
  const lines = [BEGIN, '## Inputs', ''];
  if (variables.length === 0) lines.push('None.');
  else {
    lines.push('| name | type | default | description |', '|---|---|---|---|');
    for (const v of variables) {
      lines.push(`| \`${v.name}\` | ${cell(renderType(v.type))} | ${cell(renderDefault(v))} | ${prose(v.description ?? '')}${v.sensitive ? ' (sensitive)' : ''} |`);
    }
  }
  lines.push('', '## Outputs', '');
  if (outputs.length === 0) lines.push('None.');
  else {
    lines.push('| name | description |', '|---|---|');
    for (const o of outputs) lines.push(`| \`${o.name}\` | ${prose(o.description ?? '')}${o.sensitive ? ' (sensitive)' : ''} |`);
  }
  lines.push(END);
  return lines.join('\n');
}

/**
 * The README with its generated part replaced. A README without the markers gets them in
 * place of its hand-written "## Inputs" and "## Outputs" sections (prose kept), or at its end.
 */
export function withDocs(readme, docs) {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin >= 0 && end > begin) return readme.slice(0, begin) + docs + readme.slice(end + END.length);
  const sections = readme.split(/(?=^## )/m);
  const isTable = (section) => /^## (Inputs|Outputs)\b/.test(section);
  const first = sections.findIndex(isTable);
  if (first < 0) return `${readme.trimEnd()}\n\n${docs}\n`;
  // Prose of a replaced section (not its table) stays, above the generated part.
  const paragraphs = sections.filter(isTable).map((section) => section
    .split('\n').slice(1)
    .filter((line) => !line.startsWith('|'))
    .join('\n').split(/\n\s*\n/)
    // A bare list of names (`a`, `b`.) is what the table now says.
    .filter((paragraph) => !/^`[a-z_]+`(, `[a-z_]+`)*\.?$/.test(paragraph.replace(/\s+/g, ' ').trim()))
    .join('\n\n').trim())
    .filter((text) => text);
  const kept = sections.filter((section) => !isTable(section));
  kept.splice(first, 0, (paragraphs.length ? `${paragraphs.join('\n\n')}\n\n` : '') + `${docs}\n\n`);
  return kept.join('');
}

/** Findings for stale module READMEs; with fix, rewrites them instead. */
export async function checkModuleDocs(root, { fix = false } = {}) {
  const modules = path.join(root, 'modules');
  const findings = [];
  for (const entry of (await readdir(modules, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('_'))) {
    const dir = path.join(modules, entry.name);
    const file = path.join(dir, 'README.md');
    const readme = await readFile(file, 'utf8').catch(() => `# ${entry.name}\n`);
    const updated = withDocs(readme, await moduleDocs(dir));
    if (updated === readme) continue;
    if (fix) await writeFile(file, updated);
    else findings.push({ file: path.relative(root, file), line: 1, rule: 'module-docs', message: 'Inputs/Outputs tables differ from variables.tf/outputs.tf (run: npm --prefix tools/infra-check run fix)' });
  }
  return findings;
}
