import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../aws-endpoint/aws-errors';
import type { JsonOperation } from '../aws-endpoint/json-protocol';
import {
  conflict,
  name,
  notFound,
  page,
  tags,
  text,
  validation,
  type TagStore,
} from './firewall-validation';

/**
 * The DNS Firewall stand-in's rule group associations with VPCs, as the API keeps them:
 * AssociateFirewallRuleGroup (the rule group must exist; a VPC id, a name, a priority the VPC
 * does not use yet, each rule group once per VPC, at most the per-VPC quota; tags validated
 * into the stand-in's one tag store; CreatorRequestId makes it retry-safe),
 * DisassociateFirewallRuleGroup (refused under mutation protection),
 * GetFirewallRuleGroupAssociation and ListFirewallRuleGroupAssociations with its filters.
 * An association is COMPLETE at once and gone at once, where AWS passes through UPDATING and
 * DELETING.
 */

export interface Association {
  readonly Id: string;
  readonly Arn: string;
  readonly FirewallRuleGroupId: string;
  readonly VpcId: string;
  readonly Name: string;
  readonly Priority: number;
  readonly MutationProtection: 'ENABLED' | 'DISABLED';
  readonly CreatorRequestId: string;
  readonly CreationTime: string;
  readonly ModificationTime: string;
}

/** What the associations need of the account they live in. */
export interface AssociationScope {
  readonly associations: Map<string, Association>;
  readonly tags: TagStore;
}

export interface AssociationContext {
  readonly arn: (kind: string, id: string) => string;
  readonly now: () => Date;
  /** The rule group by id; throws ResourceNotFoundException when there is none. */
  readonly group: (id: unknown) => { readonly Id: string };
  /** Rule groups one VPC may have associated. */
  readonly perVpc: number;
}

const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
/** The API's bounds: DNS Firewall evaluates a VPC's rule groups from the lowest priority. */
const PRIORITY_MIN = 100;
const PRIORITY_MAX = 9_900;

export function associationOperations(
  scope: AssociationScope,
  context: AssociationContext,
): Record<string, JsonOperation> {
  const get = (id: unknown): Association => {
    const found = typeof id === 'string' ? scope.associations.get(id) : undefined;
    if (found === undefined) throw notFound(`firewall rule group association ${String(id)}`);
    return found;
  };
  return {
    AssociateFirewallRuleGroup: (input) => {
      const requestId = text(input.CreatorRequestId, 'creatorRequestId', 255);
      const again = [...scope.associations.values()].find((a) => a.CreatorRequestId === requestId);
      if (again !== undefined) return { FirewallRuleGroupAssociation: describe(again) };
      const group = context.group(input.FirewallRuleGroupId);
      const vpcId = input.VpcId;
      if (typeof vpcId !== 'string' || !VPC_ID.test(vpcId))
        throw validation(`VpcId ${String(vpcId)} is not a VPC id`);
      const priority = input.Priority;
      if (
        typeof priority !== 'number' ||
        !Number.isInteger(priority) ||
        priority < PRIORITY_MIN ||
        priority > PRIORITY_MAX
      )
        throw validation(
          `Priority must be a whole number from ${PRIORITY_MIN} to ${PRIORITY_MAX}, not ${String(priority)}`,
        );
      const protection = input.MutationProtection ?? 'ENABLED';
      if (protection !== 'ENABLED' && protection !== 'DISABLED')
        throw validation('MutationProtection must be ENABLED or DISABLED');
      const onVpc = [...scope.associations.values()].filter((a) => a.VpcId === vpcId);
      if (onVpc.some((a) => a.FirewallRuleGroupId === group.Id))
        throw conflict(`The rule group ${group.Id} is already associated with ${vpcId}`);
      const clash = onVpc.find((a) => a.Priority === priority);
      if (clash !== undefined)
        throw conflict(
          `Priority ${priority} is already used on ${vpcId} by association ${clash.Id}`,
        );
      if (onVpc.length >= context.perVpc)
        throw new AwsServiceError(
          'LimitExceededException',
          `The request caused one or more limits to be exceeded: ${context.perVpc} rule groups per VPC`,
        );
      const associationTags = tags(input.Tags);
      const id = `rslvr-frgassoc-${randomBytes(8).toString('hex')}`;
      const time = context.now().toISOString();
      const association: Association = {
        Id: id,
        Arn: context.arn('firewall-rule-group-association', id),
        FirewallRuleGroupId: group.Id,
        VpcId: vpcId,
        Name: name(input.Name),
        Priority: priority,
        MutationProtection: protection,
        CreatorRequestId: requestId,
        CreationTime: time,
        ModificationTime: time,
      };
      scope.associations.set(id, association);
      scope.tags.set(association.Arn, associationTags);
      return { FirewallRuleGroupAssociation: describe(association) };
    },
    DisassociateFirewallRuleGroup: (input) => {
      const association = get(input.FirewallRuleGroupAssociationId);
      if (association.MutationProtection === 'ENABLED')
        throw validation(
          `The association ${association.Id} has mutation protection enabled; disable it first`,
        );
      scope.associations.delete(association.Id);
      scope.tags.delete(association.Arn);
      return {
        FirewallRuleGroupAssociation: {
          ...describe(association),
          Status: 'DELETING',
          StatusMessage: 'Deleting the association',
        },
      };
    },
    GetFirewallRuleGroupAssociation: (input) => ({
      FirewallRuleGroupAssociation: describe(get(input.FirewallRuleGroupAssociationId)),
    }),
    ListFirewallRuleGroupAssociations: (input) => {
      const status = input.Status;
      if (
        status !== undefined &&
        status !== 'COMPLETE' &&
        status !== 'DELETING' &&
        status !== 'UPDATING'
      )
        throw validation('Status must be COMPLETE, DELETING or UPDATING');
      const matching = [...scope.associations.values()]
        .filter(
          (a) =>
            (input.FirewallRuleGroupId === undefined ||
              a.FirewallRuleGroupId === input.FirewallRuleGroupId) &&
            (input.VpcId === undefined || a.VpcId === input.VpcId) &&
            (input.Priority === undefined || a.Priority === input.Priority) &&
            (input.Status === undefined || input.Status === 'COMPLETE'),
        )
        .sort((a, b) => a.VpcId.localeCompare(b.VpcId) || a.Priority - b.Priority);
      return page(input, 100, matching, 'FirewallRuleGroupAssociations', describe);
    },
  };
}

function describe(association: Association) {
  return { ...association, Status: 'COMPLETE', StatusMessage: 'Finished rule group association' };
}
