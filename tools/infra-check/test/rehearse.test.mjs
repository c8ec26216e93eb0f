// The rehearsal's own judgements, on fixtures: which second-plan changes are listed moto
// artefacts, which listed artefacts went missing, what a teardown left behind, the order
// units apply in, and how inputs reach Terraform.
import assert from 'node:assert/strict';
import test from 'node:test';
import { compareDrift, leftovers } from '../rehearse.mjs';
import { changedAttributes, tfVar, waves } from '../rehearse/units.mjs';

const listed = [
  { unit: 'queue', address: 'aws_sqs_queue.this', attributes: ['redrive_policy'], reason: 'moto re-serialises it' },
  { unit: 'api', address: 'module.fargate[0].aws_ecs_service.this', attributes: ['availability_zone_rebalancing'], environments: ['prod'], reason: 'moto drops it' },
];

test('a listed artefact explains its own attributes only, in its own environments', () => {
  const changes = [
    { unit: 'live/prod/queue', address: 'aws_sqs_queue.this', actions: 'update', attributes: ['redrive_policy'] },
    { unit: 'live/prod/api', address: 'module.fargate[0].aws_ecs_service.this', actions: 'update', attributes: ['availability_zone_rebalancing'] },
  ];
  assert.deepEqual(compareDrift(changes, listed, ['live/prod/queue', 'live/prod/api']), { unexpected: [], stale: [] });
  const more = [{ ...changes[0], attributes: ['redrive_policy', 'visibility_timeout_seconds'] }, changes[1]];
  assert.deepEqual(compareDrift(more, listed, ['live/prod/queue', 'live/prod/api']).unexpected.map((c) => c.attributes), [['visibility_timeout_seconds']]);
  const replaced = [{ ...changes[0], actions: 'delete+create' }, changes[1]];
  assert.equal(compareDrift(replaced, listed, ['live/prod/queue', 'live/prod/api']).unexpected.length, 1);
  const dev = [{ ...changes[1], unit: 'live/dev/api' }];
  assert.equal(compareDrift(dev, listed, ['live/dev/api']).unexpected.length, 1, 'the api artefact is listed for prod only');
});

test('a listed artefact that no longer appears fails as stale', () => {
  const { unexpected, stale } = compareDrift([], listed, ['live/dev/queue', 'live/prod/queue', 'live/prod/api']);
  assert.deepEqual(unexpected, []);
  assert.deepEqual(stale.map((item) => `${item.environment} ${item.unit}`), ['dev queue', 'prod queue', 'prod api']);
});

test('a teardown leaves nothing but the state bucket and keys pending deletion', () => {
  const clean = { buckets: ['ingest-pipeline-tfstate-123456789012'], queues: [], kms_keys_pending_deletion: ['arn:aws:kms:eu-west-1:123456789012:key/x'] };
  assert.deepEqual(leftovers(clean), []);
  assert.deepEqual(leftovers({ ...clean, queues: ['http://x/123456789012/q'] }), ['queues: http://x/123456789012/q']);
  assert.deepEqual(leftovers({ error: 'boom' }), ['inventory failed: boom']);
});

test('units apply in waves after their dependencies', () => {
  const units = [
    { dir: 'live/dev/api', dependencies: ['live/dev/queue', 'live/global/registry'] },
    { dir: 'live/dev/queue', dependencies: [] },
    { dir: 'live/dev/observability', dependencies: ['live/dev/api'] },
  ];
  assert.deepEqual(waves(units).map((wave) => wave.map((unit) => unit.dir)), [['live/dev/queue'], ['live/dev/api'], ['live/dev/observability']]);
  assert.throws(() => waves([{ dir: 'a', dependencies: ['b'] }, { dir: 'b', dependencies: ['a'] }]), /cycle/);
});

test('inputs reach Terraform as Terragrunt passes them, and changed attributes are named', () => {
  assert.equal(tfVar('x'), 'x');
  assert.equal(tfVar({ a: [1] }), '{"a":[1]}');
  assert.equal(tfVar(5), '5');
  assert.deepEqual(changedAttributes({ before: { a: 1, b: 'x' }, after: { a: 1, b: 'y' }, after_unknown: { c: true } }), ['b', 'c']);
});
