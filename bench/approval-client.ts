import { loadStageConfigs } from '../lib/config/stages';
import type { LocalRuntime } from '../local/runtime/local-runtime';

export interface Proposed {
  readonly id: string;
  readonly callee: string;
  readonly shown: { diffSha256: string; impactSha256: string };
}

/** Talks to the approval API as the people of the synthetic fleet. */
export class ApprovalClient {
  private readonly identity;
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(private readonly runtime: LocalRuntime) {
    const config = loadStageConfigs().find((c) => c.stage === 's101');
    if (config === undefined) throw new Error('no s101 config');
    this.identity = config.identity;
  }

  async propose(from: string, to: string): Promise<Proposed> {
    const body = await this.call(
      'POST',
      '/changes',
      await this.token('requester', []),
      {
        add: { ingress: [{ from, to }] },
        justification: `bench: ${from} calls ${to}`,
      },
      201,
    );
    const change = body as {
      id: string;
      diffSha256: string;
      impactSha256: string;
      requiredApprovals: { group: string }[];
    };
    return {
      id: change.id,
      callee: change.requiredApprovals[0]?.group ?? '',
      shown: { diffSha256: change.diffSha256, impactSha256: change.impactSha256 },
    };
  }

  async proposeAndApprove(edge: { from: string; to: string }): Promise<{ id: string }> {
    const change = await this.propose(edge.from, edge.to);
    await this.approve(change, 1, 'proposed');
    await this.approve(change, 2, 'approved');
    return { id: change.id };
  }

  async approve(change: Proposed, approver: number, expectedState: string): Promise<void> {
    const token = await this.token(`${change.callee}-approver-${approver}`, [change.callee]);
    const body = await this.call('POST', `/changes/${change.id}/approve`, token, change.shown, 200);
    if (body.state !== expectedState)
      throw new Error(
        `change ${change.id} is ${String(body.state)} after approval ${approver}, expected ${expectedState}`,
      );
  }

  private token(person: string, groups: string[]): Promise<string> {
    let token = this.tokens.get(person);
    if (token === undefined) {
      token = this.runtime.issuer.sign({
        principal: `${person}@bank.example`,
        issuer: this.identity.issuer,
        audience: this.identity.audience,
        groups,
        amr: ['pwd', 'mfa'],
        extraClaims: { identity_type: 'person' },
      });
      this.tokens.set(person, token);
    }
    return token;
  }

  private async call(
    method: string,
    path: string,
    token: string,
    body: unknown,
    expected: number,
  ): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.runtime.apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expected)
      throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  }
}
