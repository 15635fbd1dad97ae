// The CLI's composition file for `simulate`: the one place the CLI names CRM platforms.
// Each simulator turns options or a sample file into what the CRM would send, built by
// the CRM package's own `./testing` simulator (so the CLI holds no CRM knowledge).
import type { CrmEvent } from '@hookpost/core';
import {
  HUBSPOT_SUBSCRIPTION_TYPES,
  signedHubSpotFile,
  simulateHubSpotWebhook,
  simulateWorkflowAction,
} from '@hookpost/hubspot/testing';
import {
  changeEventFileToCrmEvents,
  SALESFORCE_SAMPLE_OBJECTS,
  sampleChangeEvent,
  signedOutboundFile,
  simulateOutboundMessage,
} from '@hookpost/salesforce/testing';
import type { HookpostConfig, WorkspaceConfig } from '../config/schema.js';
import { CliError } from './action.js';

export interface SimulateOptions {
  type?: string;
  object?: string;
  objectId?: string;
  property?: string;
  value?: string;
  campaign?: string;
  change?: string;
  field: string[];
}

/** Sent to a connector route as the CRM would, or (CDC, which the connector pulls) decided by `/api/dry-run`. */
export type Simulated =
  | {
      send: {
        path: string;
        headers: Record<string, string>;
        body: string;
        eventIds: string[];
        summary: string;
        /** The path as printed, when `path` holds a secret. */
        shownPath?: string;
      };
    }
  | { dryRun: { events: CrmEvent[]; summary: string } };

export interface Simulator {
  /** The workspace block this platform needs (`hubspot`, `salesforce`). */
  block: 'hubspot' | 'salesforce';
  build(config: HookpostConfig, workspace: WorkspaceConfig, options: SimulateOptions): Simulated;
  fromFile(config: HookpostConfig, workspace: WorkspaceConfig, text: string): Simulated;
}

/** `--field Name=value` pairs as a record; a pair without `=` is an error naming it. */
export function fieldsOf(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new CliError(`--field expects Name=value, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

function hubspotSigning(config: HookpostConfig) {
  if (!config.hubspot) throw new CliError('the configuration has no hubspot block (clientSecret)');
  return { clientSecret: config.hubspot.clientSecret, publicUrl: config.server.publicUrl };
}

const hubspot: Simulator = {
  block: 'hubspot',
  build(config, workspace, o) {
    const signing = hubspotSigning(config);
    const portalId = String(workspace.hubspot?.portalId);
    const type = o.type ?? 'contact.propertyChange';
    const objectId = o.objectId ?? '101';
    if (type === 'workflow-action') {
      if (!o.campaign) throw new CliError('--type workflow-action needs --campaign <campaign id>');
      return {
        send: simulateWorkflowAction({
          ...signing,
          portalId,
          objectId,
          objectType: o.object ?? 'CONTACT',
          campaign: o.campaign,
          properties: fieldsOf(o.field),
        }),
      };
    }
    if (!HUBSPOT_SUBSCRIPTION_TYPES.includes(type))
      throw new CliError(
        `unknown --type "${type}"; one of: ${[...HUBSPOT_SUBSCRIPTION_TYPES, 'workflow-action'].join(', ')}`,
      );
    return {
      send: simulateHubSpotWebhook({
        ...signing,
        subscriptionType: type,
        portalId,
        ...(config.hubspot?.appId ? { appId: config.hubspot.appId } : {}),
        objectId,
        ...(o.object ? { objectType: o.object } : {}),
        ...(o.property ? { propertyName: o.property } : {}),
        ...(o.value ? { propertyValue: o.value } : {}),
      }),
    };
  },
  fromFile: (config, _workspace, text) => ({ send: signedHubSpotFile(text, hubspotSigning(config)) }),
};

function salesforceBlock(workspace: WorkspaceConfig) {
  if (!workspace.salesforce) throw new CliError(`workspace ${workspace.id} has no salesforce block`);
  return workspace.salesforce;
}

/** The outbound-message path without its secret endpoint token. */
const OUTBOUND_SHOWN_PATH = '/webhooks/salesforce/…';

const salesforce: Simulator = {
  block: 'salesforce',
  build(_config, workspace, o) {
    const sf = salesforceBlock(workspace);
    const objectType = o.object ?? 'Contact';
    if (!(SALESFORCE_SAMPLE_OBJECTS as readonly string[]).includes(objectType) && o.field.length === 0)
      throw new CliError(
        `--object ${objectType}: pass its fields with --field (samples exist for ${SALESFORCE_SAMPLE_OBJECTS.join(', ')})`,
      );
    return {
      send: {
        ...simulateOutboundMessage({
          organizationId: sf.organizationId,
          endpointToken: sf.endpointToken,
          objectType,
          ...(o.objectId ? { objectId: o.objectId } : {}),
          fields: fieldsOf(o.field),
        }),
        shownPath: OUTBOUND_SHOWN_PATH,
      },
    };
  },
  fromFile: (_config, workspace, text) => ({
    send: {
      ...signedOutboundFile(text, salesforceBlock(workspace).endpointToken),
      shownPath: OUTBOUND_SHOWN_PATH,
    },
  }),
};

const CHANGE_TYPES = ['CREATE', 'UPDATE', 'DELETE', 'UNDELETE'] as const;

const cdc: Simulator = {
  block: 'salesforce',
  build(_config, workspace, o) {
    const sf = salesforceBlock(workspace);
    const changeType = (o.change ?? 'UPDATE').toUpperCase();
    if (!(CHANGE_TYPES as readonly string[]).includes(changeType))
      throw new CliError(`--change expects one of ${CHANGE_TYPES.join(', ')}, got "${o.change}"`);
    const file = sampleChangeEvent({
      organizationId: sf.organizationId,
      entityName: o.object ?? 'Contact',
      changeType: changeType as (typeof CHANGE_TYPES)[number],
      ...(o.objectId ? { recordId: o.objectId } : {}),
      fields: fieldsOf(o.field),
    });
    const events = changeEventFileToCrmEvents(file);
    return {
      dryRun: {
        events,
        summary: `${changeType} change event for ${o.object ?? 'Contact'} ${events[0]?.objectId}`,
      },
    };
  },
  fromFile(_config, _workspace, text) {
    const events = changeEventFileToCrmEvents(JSON.parse(text));
    return {
      dryRun: { events, summary: events.map((e) => `${e.objectType} ${e.objectId} ${e.kind}`).join(', ') },
    };
  },
};

/** The simulators by platform name, as `hookpost simulate <platform>` takes it. */
export const SIMULATORS: Readonly<Record<string, Simulator>> = { hubspot, salesforce, cdc };

/** A sample file's events when it holds a Change Data Capture event (`{ organizationId, payload: { ChangeEventHeader } }`), else null. */
export function changeEventsInFile(text: string): CrmEvent[] | null {
  if (!text.includes('ChangeEventHeader')) return null;
  try {
    return changeEventFileToCrmEvents(JSON.parse(text));
  } catch (error) {
    throw new CliError(`not a change-event file: ${(error as Error).message}`, { cause: error });
  }
}
