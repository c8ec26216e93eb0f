// The delivery path as the workflows run it (.github/workflows/deploy.yml and
// deploy-environment.yml), each step with the credentials of the role the workflow assumes:
// the push role publishes the images and the Lambda jars of a commit, then each
// environment's deploy role applies the two service units with the new tag and runs the
// scripts that check the new revision runs.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ACCOUNT, awsEnv, probe } from './aws.mjs';
import { run, StepError } from './units.mjs';

export const SERVICES = ['api', 'worker'];
const PROJECT = 'ingest-pipeline';

/** The shaded Lambda jar of a service, as `./mvnw package` leaves it. */
export function lambdaJar(root, service) {
  const dir = path.join(root, 'functions', service, 'target');
  const jar = existsSync(dir) && readdirSync(dir).find((name) => new RegExp(`^pipeline-${service}-.*-aws\\.jar$`).test(name));
  if (!jar) throw new Error(`no Lambda jar of the ${service} in ${path.relative(root, dir)}: build first (./mvnw -B -DskipTests package)`);
  return path.join(dir, jar);
}

/** The web container's jar of a service (what the image runs). */
export function bootJar(root, service) {
  const dir = path.join(root, 'functions', service, 'target');
  const jar = existsSync(dir) && readdirSync(dir).find((name) => new RegExp(`^pipeline-${service}-.*-exec\\.jar$`).test(name));
  if (!jar) throw new Error(`no executable jar of the ${service} in ${path.relative(root, dir)}: build first (./mvnw -B -DskipTests package)`);
  return path.join(dir, jar);
}

/** Credentials of a GitHub job that assumed the role through OIDC (moto issues them). */
export async function assumeGithubRole(root, url, region, roleArn, session) {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
  const claims = Buffer.from(JSON.stringify({ iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: session })).toString('base64url');
  return probe(root, awsEnv(url, region), 'assume-role', { 'role-arn': roleArn, session: 'github-actions', 'web-identity': `${header}.${claims}.rehearsal` });
}

/** The images job: an image per service in ECR and the jars in the artifacts bucket, as the push role. */
export async function push({ root, url, region, outputs, tag }) {
  const role = outputs['live/global/ci-access'].push_role_arn;
  const credentials = await assumeGithubRole(root, url, region, role, 'repo:example-org/ingest-pipeline:ref:refs/heads/main');
  const env = awsEnv(url, region, credentials);
  const bucket = outputs['live/global/artifacts'].bucket_name;
  for (const service of SERVICES) {
    await probe(root, env, 'put-image', { repository: `${PROJECT}/${service}`, tag });
    await probe(root, env, 'put-object', { bucket, key: `${service}/${tag}.jar`, file: lambdaJar(root, service) });
  }
  return role;
}

/**
 * deploy-environment.yml for one environment: the two service units applied with the new
 * tag as the environment's deploy role, each dependency's outputs read from its state with
 * the same role, then deploy-verify.sh or lambda-verify.sh on what apply reported.
 */
export async function deliver({ root, url, region, units, environment, tag, log }) {
  const role = units.outputs['live/global/ci-access'].deploy_role_arns[environment];
  const credentials = await assumeGithubRole(root, url, region, role, `repo:example-org/ingest-pipeline:environment:${environment}`);
  const env = { IMAGE_TAG: tag };
  const names = SERVICES.map((service) => `live/${environment}/${service}`);
  const all = await units.list(environment, env);
  const byDir = Object.fromEntries(all.map((unit) => [unit.dir, unit]));
  // Terragrunt runs `terraform output -json` in every dependency, with the job's credentials.
  const producers = [...new Set(names.flatMap((name) => byDir[name].dependencies)), `live/${environment}/cluster`];
  const evaluatedProducers = {};
  for (const producer of producers) {
    const producerEnv = producer.split('/')[1];
    Object.assign(evaluatedProducers, await units.evaluate(producerEnv, [producer], producerEnv === environment ? env : {}));
    const dir = await units.prepare(evaluatedProducers[producer], `deploy-${environment}`);
    await units.terraform(evaluatedProducers[producer], dir, ['init', '-backend-config=rehearsal.s3.tfbackend', '-reconfigure'], credentials);
    await units.readOutputs(evaluatedProducers[producer], dir, credentials);
  }
  const evaluated = await units.evaluate(environment, names, env);
  const verified = [];
  for (const name of names) {
    const t0 = Date.now();
    const result = await units.apply(evaluated[name], credentials);
    const outputs = units.outputs[name];
    const deployEnv = { ...awsEnv(url, region, credentials), DEPLOY_INTERVAL: '1', DEPLOY_TIMEOUT: '60' };
    const script =
      outputs.runtime === 'fargate'
        ? ['tools/deploy-verify.sh', units.outputs[`live/${environment}/cluster`].cluster_name, outputs.service_name, outputs.task_definition_arn]
        : ['tools/lambda-verify.sh', outputs.function_name, outputs.function_version];
    const check = await run('bash', script, { cwd: root, env: { ...deployEnv, DEPLOY_ECS_ENDPOINT: url, DEPLOY_LAMBDA_ENDPOINT: url } });
    if (!check.ok) throw new StepError(name, path.basename(script[0]), check.output);
    verified.push(check.stdout.trim().split('\n').at(-1));
    log(`delivery ${name}: ${tag} applied as ${role.split('/').at(-1)} (${result.changed} changed, ${result.added} added, ${((Date.now() - t0) / 1000).toFixed(0)} s); ${verified.at(-1)}`);
  }
  return { role, credentials };
}

export const ROLE_PREFIX = `arn:aws:iam::${ACCOUNT}:role/`;
