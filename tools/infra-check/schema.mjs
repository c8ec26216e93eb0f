// Every resource and data source type, attribute and nested block name used by the
// modules exists in the AWS provider's schema. The schema comes from @cdktf/provider-aws
// 21.22.1, generated from AWS provider 6.25.0 (the modules pin ~> 6.25): each
// lib/<type>/index.js lists its attributes in synthesizeHclAttributes() and each nested
// block's in a <Name>ToHclTerraform function.
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';

const require = createRequire(import.meta.url);
const LIB = path.join(path.dirname(require.resolve('@cdktf/provider-aws/package.json')), 'lib');
const META = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'dynamic']);

const cache = new Map();

/** Attributes of one attrs object literal: name -> nested function name or null. */
function attributesIn(body) {
  const attributes = new Map();
  for (const match of body.matchAll(/\n\s{8,16}([a-z0-9_]+): \{\n\s+value: ([^\n]*)\n\s+isBlock: (true|false)/g)) {
    const nested = match[3] === 'true' ? /(?<!cdktf\.)\b([A-Za-z0-9]+ToHclTerraform)\b/.exec(match[2])?.[1] ?? null : null;
    attributes.set(match[1], nested);
  }
  return attributes;
}

function functionBody(source, name) {
  const start = source.indexOf(`function ${name}(struct`);
  if (start < 0) return null;
  const end = source.indexOf('\nfunction ', start + 1);
  const stop = source.indexOf('\nclass ', start + 1);
  return source.slice(start, Math.min(end < 0 ? source.length : end, stop < 0 ? source.length : stop));
}

/** The schema of a resource or data source type, or null if the provider has none. */
async function schemaOf(type, kind) {
  const key = `${kind}:${type}`;
  if (cache.has(key)) return cache.get(key);
  const dir = (kind === 'data' ? `data-${type}` : type.replace(/^aws_/, '')).replace(/_/g, '-');
  let source;
  try {
    source = await readFile(path.join(LIB, dir, 'index.js'), 'utf8');
  } catch {
    cache.set(key, null);
    return null;
  }
  if (!source.includes(`.tfResourceType = "${type}"`)) {
    cache.set(key, null);
    return null;
  }
  const start = source.indexOf('synthesizeHclAttributes() {');
  const top = attributesIn(source.slice(start, source.indexOf('\n    }', start)));
  const schema = { source, attributes: top };
  cache.set(key, schema);
  return schema;
}

function nestedAttributes(schema, fn) {
  const body = fn ? functionBody(schema.source, fn) : null;
  return body ? attributesIn(body) : null;
}

/** Checks one body (resource, data source or nested block) against its attributes. */
function checkBody(body, attributes, schema, where, report) {
  for (const [name, value] of Object.entries(body)) {
    if (META.has(name) && name !== 'dynamic') continue;
    if (name === 'dynamic') {
      for (const [blockName, blocks] of Object.entries(value)) {
        if (!attributes.has(blockName)) {
          report(`${where}: no block "${blockName}"`);
          continue;
        }
        const nested = nestedAttributes(schema, attributes.get(blockName));
        for (const dynamicBlock of [].concat(blocks)) {
          for (const content of [].concat(dynamicBlock.content ?? [])) {
            if (nested) checkBody(content, nested, schema, `${where}.${blockName}`, report);
          }
        }
      }
      continue;
    }
    if (!attributes.has(name)) {
      report(`${where}: no attribute or block "${name}"`);
      continue;
    }
    const fn = attributes.get(name);
    if (fn && Array.isArray(value)) {
      const nested = nestedAttributes(schema, fn);
      if (!nested) continue;
      for (const item of value) {
        if (item && typeof item === 'object') checkBody(item, nested, schema, `${where}.${name}`, report);
      }
    }
  }
}

/** Checks every module under root/modules; returns findings. */
export async function checkSchema(root) {
  const findings = [];
  const dir = path.join(root, 'modules');
  let modules = [];
  try {
    modules = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory());
  } catch {
    return findings;
  }
  for (const module of modules) {
    for (const name of (await readdir(path.join(dir, module.name))).filter((n) => n.endsWith('.tf'))) {
      const file = path.join(dir, module.name, name);
      const text = await readFile(file, 'utf8');
      const json = await parse(file, text);
      for (const kind of ['resource', 'data']) {
        for (const [type, named] of Object.entries(json[kind] ?? {})) {
          if (!type.startsWith('aws_')) continue;
          for (const [label, bodies] of Object.entries(named)) {
            const marker = `${kind} "${type}" "${label}"`;
            const line = text.slice(0, Math.max(0, text.indexOf(marker))).split('\n').length;
            const report = (message) => findings.push({ file: path.relative(root, file), line, rule: 'schema-aws', message });
            const schema = await schemaOf(type, kind);
            if (!schema) {
              report(`${kind} type ${type} is not in AWS provider 6.25`);
              continue;
            }
            for (const body of bodies) checkBody(body, schema.attributes, schema, `${type}.${label}`, report);
          }
        }
      }
    }
  }
  return findings;
}
