// Wiring checks of the Terragrunt stacks that Terraform cannot see, offline: every include
// and dependency points at a file or unit that exists; every dependency.X.outputs.Y has a
// mock (Terragrunt plans a fresh environment from the mocks); every module source exists;
// every environment has the same units. Whether inputs match the modules' variables and
// dependency outputs exist is Terraform's own check (terraform.mjs plans every unit).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { exists, lineOf } from './files.mjs';

/** Data sources that compute locally or read nothing named by an input. */
const LOCAL_DATA_SOURCES = new Set(['aws_iam_policy_document', 'aws_region', 'aws_caller_identity', 'aws_partition', 'aws_availability_zones']);

async function parseFile(file) {
  return parse(file, await readFile(file, 'utf8'));
}

/** Resolves the ${...} prefixes the stacks use to a path under root. */
function resolvePath(expression, root, unitDir) {
  const resolved = expression
    .replace('${find_in_parent_folders("root.hcl")}', path.join(root, 'root.hcl'))
    .replace('${dirname(find_in_parent_folders("root.hcl"))}', root)
    .replace('${get_terragrunt_dir()}', unitDir);
  return path.resolve(unitDir, resolved);
}

/** Reads a unit: its own file merged with the files it includes (except root.hcl). */
async function readUnit(file, root, findings) {
  const unitDir = path.dirname(file);
  const text = await readFile(file, 'utf8');
  const parts = [{ file, text, json: await parseFile(file) }];
  for (const [name, blocks] of Object.entries(parts[0].json.include ?? {})) {
    const included = resolvePath(blocks[0].path, root, unitDir);
    if (!(await exists(included))) {
      findings.push({ file: path.relative(root, file), line: lineOf(text, `include "${name}"`), rule: 'wiring-include-missing', message: `include "${name}" points at ${path.relative(root, included)}, which does not exist` });
      continue;
    }
    if (name === 'root') continue;
    parts.push({ file: included, text: await readFile(included, 'utf8'), json: await parseFile(included) });
  }
  const unit = { file, dir: unitDir, parts, source: null, inputs: {}, dependencies: {} };
  for (const part of parts) {
    const source = part.json.terraform?.[0]?.source;
    if (source) unit.source = { value: source, part };
    Object.assign(unit.inputs, Object.fromEntries(Object.entries(part.json.inputs ?? {}).map(([key, value]) => [key, { part, value }])));
    for (const [name, blocks] of Object.entries(part.json.dependency ?? {})) {
      unit.dependencies[name] = { ...blocks[0], part };
    }
  }
  return unit;
}

async function unitFiles(dir) {
  const found = [];
  async function walk(current) {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== '_units') await walk(full);
      else if (entry.name === 'terragrunt.hcl') found.push(full);
    }
  }
  await walk(dir);
  return found.sort();
}

/** Checks the stacks under root/live; returns findings. */
export async function checkWiring(rootDir) {
  const root = path.resolve(rootDir);
  const findings = [];
  const live = path.join(root, 'live');
  if (!(await exists(live))) return findings;
  const rel = (file) => path.relative(root, file);
  async function checkSource(unit) {
    if (!unit.source) return null;
    const match = /modules\/\/([\w-]+)/.exec(unit.source.value);
    const dir = match ? path.join(root, 'modules', match[1]) : null;
    if (!dir || !(await exists(dir))) {
      findings.push({ file: rel(unit.source.part.file), line: lineOf(unit.source.part.text, 'source'), rule: 'wiring-source-missing', message: `module source ${unit.source.value} does not exist` });
      return null;
    }
    return dir;
  }

  // A data source that reads AWS by a value a dependency provides cannot be planned on a
  // fresh environment: Terragrunt plans with the dependency's mock, which names nothing
  // in the account. The mocked provider of the plan tests cannot notice; this rule does.
  async function checkMockedReads(unit, dir) {
    const fed = Object.entries(unit.inputs).filter(([, { value }]) => JSON.stringify(value).includes('dependency.')).map(([name]) => name);
    if (fed.length === 0) return;
    for (const entry of (await readdir(dir)).filter((name) => name.endsWith('.tf'))) {
      const text = await readFile(path.join(dir, entry), 'utf8');
      const json = await parseFile(path.join(dir, entry));
      for (const [type, named] of Object.entries(json.data ?? {})) {
        if (LOCAL_DATA_SOURCES.has(type)) continue;
        for (const [name, bodies] of Object.entries(named)) {
          const used = fed.filter((input) => JSON.stringify(bodies).includes(`var.${input}`));
          if (used.length === 0) continue;
          findings.push({ file: rel(path.join(dir, entry)), line: lineOf(text, `data "${type}" "${name}"`), rule: 'wiring-mocked-read', message: `data.${type}.${name} reads by var.${used.join(', var.')}, which ${rel(unit.dir)} takes from a dependency: a fresh environment plans it with the mock. Pass what the module needs as an input instead.` });
        }
      }
    }
  }

  const units = new Map();
  for (const file of await unitFiles(live)) units.set(path.dirname(file), await readUnit(file, root, findings));

  for (const unit of units.values()) {
    const dir = await checkSource(unit);
    if (dir) await checkMockedReads(unit, dir);
    for (const part of unit.parts) {
      for (const match of part.text.matchAll(/dependency\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        const [, name, output] = match;
        const line = part.text.slice(0, match.index).split('\n').length;
        const dependency = unit.dependencies[name];
        if (!dependency) {
          findings.push({ file: rel(part.file), line, rule: 'wiring-dependency-unknown', message: `no dependency "${name}"` });
          continue;
        }
        if (!units.has(resolvePath(dependency.config_path, root, unit.dir))) {
          findings.push({ file: rel(part.file), line: lineOf(part.text, dependency.config_path), rule: 'wiring-dependency-missing', message: `dependency "${name}" points at ${dependency.config_path}, which is no unit` });
        }
        if (!Object.hasOwn(dependency.mock_outputs ?? {}, output)) {
          findings.push({ file: rel(part.file), line, rule: 'wiring-output-unmocked', message: `dependency "${name}" has no mock for "${output}"` });
        }
      }
    }
  }

  const envUnits = new Map();
  for (const entry of await readdir(live, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('_') || entry.name === 'global') continue;
    const names = (await readdir(path.join(live, entry.name), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    envUnits.set(entry.name, names);
  }
  const [first, ...others] = [...envUnits.entries()];
  for (const [env, names] of others) {
    if (first && names.join(',') !== first[1].join(',')) {
      findings.push({ file: `live/${env}`, line: 1, rule: 'wiring-env-units', message: `units [${names}] differ from ${first[0]}'s [${first[1]}]` });
    }
  }
  return findings;
}
