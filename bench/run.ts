import { benchApprovals } from './approvals.bench';
import { benchAudit } from './audit.bench';
import { benchCompile } from './compile.bench';
import { printFigures } from './measure';
import { benchRegistry } from './registry.bench';
import { benchRpcmap } from './rpcmap.bench';

/** `npm run bench`: prints every figure the issues ask for; exits 1 if a target is missed. */
async function main(): Promise<void> {
  // The SDK's reminder that Node 20 support ends in 2027 would split the tables below.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const compile = await benchCompile();
  printFigures('Compile (2,000 services, 10,000 edges)', compile.figures);
  const registry = await benchRegistry(compile.ruleSet);
  printFigures('Registry on DynamoDB Local (the same fleet)', registry);
  const { approvals, promotion } = await benchApprovals(compile.ruleSet);
  printFigures('Approvals through the local runtime (the same fleet)', approvals);
  printFigures('Promotion of the same fleet’s bundle through the local runtime', promotion);
  const rpcmap = await benchRpcmap();
  printFigures(rpcmap.title, rpcmap.figures);
  const audit = await benchAudit();
  printFigures('Audit pipeline through the local runtime (archive and detections)', audit);
  const missed = [
    ...compile.figures,
    ...registry,
    ...approvals,
    ...rpcmap.figures,
    ...audit,
  ].filter((f) => f.ok === false);
  if (missed.length > 0) {
    console.error(`\n${missed.length} target(s) missed: ${missed.map((f) => f.name).join(', ')}`);
    process.exitCode = 1;
  }
}

void main();
