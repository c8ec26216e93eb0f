// Inside each module, every var., local., data. and resource reference must be declared
// in that module (terraform validate would catch it; this runs offline).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';

/** Checks every module under root/modules; returns findings. */
export async function checkReferences(root) {
  const findings = [];
  const dir = path.join(root, 'modules');
  let entries = [];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return findings;
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const files = [];
    const declared = { var: new Set(), local: new Set(), data: new Set(), resource: new Set(), ephemeral: new Set() };
    for (const name of (await readdir(path.join(dir, entry.name))).filter((n) => n.endsWith('.tf'))) {
      const file = path.join(dir, entry.name, name);
      const text = await readFile(file, 'utf8');
      const json = await parse(file, text);
      files.push({ file: path.relative(root, file), text });
      Object.keys(json.variable ?? {}).forEach((n) => declared.var.add(n));
      for (const locals of [].concat(json.locals ?? [])) Object.keys(locals).forEach((n) => declared.local.add(n));
      for (const [type, names] of Object.entries(json.data ?? {})) Object.keys(names).forEach((n) => declared.data.add(`${type}.${n}`));
      for (const [type, names] of Object.entries(json.resource ?? {})) Object.keys(names).forEach((n) => declared.resource.add(`${type}.${n}`));
      for (const [type, names] of Object.entries(json.ephemeral ?? {})) Object.keys(names).forEach((n) => declared.ephemeral.add(`${type}.${n}`));
    }
    for (const { file, text } of files) {
      const code = text.replace(/#.*$/gm, '');
      const report = (index, kind, name) => findings.push({ file, line: code.slice(0, index).split('\n').length, rule: 'ref-undeclared', message: `${kind} ${name} is not declared in module ${entry.name}` });
      for (const m of code.matchAll(/\bvar\.([A-Za-z_][\w-]*)/g)) if (!declared.var.has(m[1])) report(m.index, 'variable', m[1]);
      for (const m of code.matchAll(/\blocal\.([A-Za-z_][\w-]*)/g)) if (!declared.local.has(m[1])) report(m.index, 'local', m[1]);
      for (const m of code.matchAll(/\bdata\.([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g)) if (!declared.data.has(`${m[1]}.${m[2]}`)) report(m.index, 'data source', `${m[1]}.${m[2]}`);
      for (const m of code.matchAll(/\bephemeral\.([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g)) if (!declared.ephemeral.has(`${m[1]}.${m[2]}`)) report(m.index, 'ephemeral resource', `${m[1]}.${m[2]}`);
      for (const m of code.matchAll(/(?<![\w."])((?:aws|random)_[a-z0-9_]+)\.([A-Za-z_][\w-]*)/g)) {
        if (!declared.resource.has(`${m[1]}.${m[2]}`)) report(m.index, 'resource', `${m[1]}.${m[2]}`);
      }
    }
  }
  return findings;
}
