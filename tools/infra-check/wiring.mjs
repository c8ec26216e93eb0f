// Wiring checks of the Terragrunt stacks against the Terraform modules, offline:
// every unit input is a variable of its module and every variable without a default is
// supplied; every dependency.X.outputs.Y exists in X's module and has a mock; every
// module source exists; every environment has the same units.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';

async function exists(file) {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function parseFile(file) {
  return parse(file, await readFile(file, 'utf8'));
}

function lineOf(text, needle) {
  const index = text.indexOf(needle);
  return index < 0 ? 1 : text.slice(0, index).split('\n').length;
}

/** Reads a module's variables (name -> has default) and outputs. */
async function readModule(dir) {
  const variables = new Map();
  const outputs = new Set();
  for (const entry of await readdir(dir)) {
    if (!entry.endsWith('.tf')) continue;
    const json = await parseFile(path.join(dir, entry));
    for (const [name, blocks] of Object.entries(json.variable ?? {})) {
      variables.set(name, blocks.some((block) => Object.hasOwn(block, 'default')));
    }
    for (const name of Object.keys(json.output ?? {})) outputs.add(name);
  }
  return { variables, outputs };
}

/** Resolves the ${...} prefixes the stacks use to a path under root. */
function resolvePath(expression, root, unitDir) {
  const resolved = expression
    .replace('${dirname(find_in_parent_folders("root.hcl"))}', root)
    .replace('${get_terragrunt_dir()}', unitDir);
  return path.resolve(unitDir, resolved);
}

/** Reads a unit: its own file merged with the files it includes (except root.hcl). */
async function readUnit(file, root) {
  const unitDir = path.dirname(file);
  const parts = [{ file, text: await readFile(file, 'utf8'), json: await parseFile(file) }];
  for (const [name, blocks] of Object.entries(parts[0].json.include ?? {})) {
    if (name === 'root') continue;
    const included = resolvePath(blocks[0].path, root, unitDir);
    parts.push({ file: included, text: await readFile(included, 'utf8'), json: await parseFile(included) });
  }
  const unit = { file, dir: unitDir, parts, source: null, inputs: {}, dependencies: {} };
  for (const part of parts) {
    const source = part.json.terraform?.[0]?.source;
    if (source) unit.source = { value: source, part };
    Object.assign(unit.inputs, Object.fromEntries(Object.keys(part.json.inputs ?? {}).map((key) => [key, part])));
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

/** Checks the stacks under root/live against root/modules; returns findings. */
export async function checkWiring(root) {
  const findings = [];
  const live = path.join(root, 'live');
  if (!(await exists(live))) return findings;
  const rel = (file) => path.relative(root, file);
  const modules = new Map();
  async function moduleOf(unit) {
    if (!unit.source) return null;
    const match = /modules\/\/([\w-]+)/.exec(unit.source.value);
    const dir = match ? path.join(root, 'modules', match[1]) : null;
    if (!dir || !(await exists(dir))) {
      findings.push({ file: rel(unit.source.part.file), line: lineOf(unit.source.part.text, 'source'), rule: 'wiring-source-missing', message: `module source ${unit.source.value} does not exist` });
      return null;
    }
    if (!modules.has(dir)) modules.set(dir, await readModule(dir));
    return modules.get(dir);
  }

  const units = new Map();
  for (const file of await unitFiles(live)) units.set(path.dirname(file), await readUnit(file, root));

  for (const unit of units.values()) {
    const module = await moduleOf(unit);
    if (!module) continue;
    for (const [input, part] of Object.entries(unit.inputs)) {
      if (!module.variables.has(input)) {
        findings.push({ file: rel(part.file), line: lineOf(part.text, `${input} `), rule: 'wiring-input-unknown', message: `input "${input}" is not a variable of the module (unit ${rel(unit.dir)})` });
      }
    }
    for (const [variable, hasDefault] of module.variables) {
      if (!hasDefault && !Object.hasOwn(unit.inputs, variable)) {
        findings.push({ file: rel(unit.file), line: 1, rule: 'wiring-input-missing', message: `required variable "${variable}" is not set` });
      }
    }
    for (const part of unit.parts) {
      for (const match of part.text.matchAll(/dependency\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        const [, name, output] = match;
        const line = part.text.slice(0, match.index).split('\n').length;
        const dependency = unit.dependencies[name];
        if (!dependency) {
          findings.push({ file: rel(part.file), line, rule: 'wiring-dependency-unknown', message: `no dependency "${name}"` });
          continue;
        }
        const target = units.get(resolvePath(dependency.config_path, root, unit.dir));
        const targetModule = target ? await moduleOf(target) : null;
        if (!target) {
          findings.push({ file: rel(part.file), line: lineOf(part.text, dependency.config_path), rule: 'wiring-dependency-missing', message: `dependency "${name}" points at ${dependency.config_path}, which is no unit` });
        } else if (targetModule && !targetModule.outputs.has(output)) {
          findings.push({ file: rel(part.file), line, rule: 'wiring-output-unknown', message: `dependency.${name}.outputs.${output} is not an output of ${rel(target.dir)}'s module` });
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
