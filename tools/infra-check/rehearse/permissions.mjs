// Every call the rehearsal's roles made, as moto's recorder saw it, evaluated against the
// policies the account holds for those roles (read back from the API after the deploy),
// with an offline IAM policy simulator (../permissions.mjs).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { evaluateCalls, formatReport, parseCalls } from '../permissions.mjs';
import { checkProperties, formatFindings } from '../policy-properties.mjs';
import { ACCOUNT, awsEnv } from './aws.mjs';
import { run } from './units.mjs';

const roleName = (arn = '') => arn.split('/').at(-1);

export async function checkPermissions({ root, url, region, record, roles, out, log }) {
  const dump = await run(process.env.PYTHON ?? 'python3', [path.join(root, 'tools', 'rehearse', 'moto', 'dump_iam.py'), '--endpoint', url, '--region', region], { env: awsEnv(url, region) });
  if (!dump.ok) throw new Error(`dump_iam.py failed: ${dump.stderr.trim().split('\n').slice(-5).join('\n')}`);
  await writeFile(path.join(out, 'account.json'), dump.stdout);
  const account = JSON.parse(dump.stdout);
  const calls = parseCalls(await readFile(record, 'utf8'), record);
  const result = await evaluateCalls({ calls, account, roles, region, accountId: ACCOUNT });
  // Refusals of calls that only moto's artefacts cause, or that their caller tolerates on AWS
  // (tools/rehearse/moto-artefacts.json, "calls"): reported, not counted.
  const tolerated = JSON.parse(await readFile(path.join(root, 'tools', 'rehearse', 'moto-artefacts.json'), 'utf8')).calls ?? [];
  const accepted = (item) => tolerated.find((call) => call.action === item.action);
  const counts = new Map();
  for (const item of result.denied.filter(accepted)) {
    const held = result.perRole[item.role];
    if (held) held.denied -= 1;
  }
  for (const item of [...result.denied, ...result.errors].filter(accepted)) {
    const key = `${roleName(item.role)} ${item.action}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [key, count] of counts) log(`permissions: tolerated ${key} (${count} distinct): tools/rehearse/moto-artefacts.json says why`);
  result.denied = result.denied.filter((item) => !accepted(item));
  result.errors = result.errors.filter((item) => !accepted(item));
  const report = formatReport(result);
  await writeFile(path.join(out, 'permissions.txt'), `${report}\n`);
  for (const line of report.split('\n')) if (!/granted but unused/.test(line)) log(line);
  log(`permissions: the full report, with the granted actions no call used: ${path.relative(root, path.join(out, 'permissions.txt'))}`);
  // What the modules promise of every policy the account now holds (no outside access,
  // TLS-only, environments apart, PassRole to its service, trusts), simulated.
  result.findings = await checkProperties(account, { accountId: ACCOUNT, region, project: 'ingest-pipeline' });
  for (const line of (result.findings.length ? formatFindings(result.findings) : 'policy properties: every property holds').split('\n')) log(line);
  return result;
}
