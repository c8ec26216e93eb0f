import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLACEHOLDERS, placeholdersOf, setInputs, settledCopy } from '../placeholders.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

test('setInputs sets the value of exactly the named inputs', () => {
  const text = 'locals {\n  # certificate_arn = "in a comment"\n  certificate_arn = "arn:placeholder"\n  require_https   = true\n}\n';
  const set = setInputs(text, 'env.hcl', [{ input: 'certificate_arn', value: '"arn:real"' }]);
  assert.equal(set, 'locals {\n  # certificate_arn = "in a comment"\n  certificate_arn = "arn:real"\n  require_https   = true\n}\n');
});

test('setInputs refuses an input the file does not set, or sets twice', () => {
  assert.throws(() => setInputs('locals {\n  a = 1\n}\n', 'env.hcl', [{ input: 'b', value: '2' }]), /env\.hcl: expected one line setting b, found 0/);
  assert.throws(() => setInputs('locals {\n  a = 1\n  a = 2\n}\n', 'env.hcl', [{ input: 'a', value: '3' }]), /found 2/);
});

test('every placeholder is an input its env.hcl ships, and the settled copy sets it', async () => {
  const dir = await settledCopy(REPO, path.join(await mkdtemp(path.join(tmpdir(), 'settled-')), 'root'), path.join(REPO, 'modules'));
  for (const { file, input, value } of PLACEHOLDERS) {
    const shipped = await readFile(path.join(REPO, file), 'utf8');
    assert.match(shipped, new RegExp(`^\\s*${input}\\s*=`, 'm'), `${file} sets ${input}`);
    assert.ok(!shipped.includes(value), `${file} ships ${input} at a placeholder, not at the settled value`);
    assert.ok((await readFile(path.join(dir, file), 'utf8')).includes(`${input}`) && (await readFile(path.join(dir, file), 'utf8')).includes(value));
  }
  assert.equal(await readlink(path.join(dir, 'modules')), path.join(REPO, 'modules'));
  assert.deepEqual(placeholdersOf('prod').map((p) => p.input), ['certificate_arn', 'domain_name', 'alarm_emails']);
  assert.deepEqual(placeholdersOf('dev'), []);
});
