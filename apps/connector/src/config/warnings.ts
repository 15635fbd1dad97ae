import type { HookpostConfig } from './schema.js';

/** A finding of `hookpost config check` beyond the schema: `problem`s fail the check, `warning`s do not. */
export interface ConfigFinding {
  level: 'problem' | 'warning';
  path: string;
  message: string;
}

/** HubSpot account (portal, "Hub ID") and app ids are positive integers. */
const HUBSPOT_ID = /^[1-9]\d{0,15}$/;

/**
 * Checks a valid configuration for things that load but cannot work: id shapes HubSpot
 * never sends, and campaigns whose recipient cannot be looked up. A Salesforce
 * Opportunity has no address; its contact is found through the API
 * (OpportunityContactRole), which needs `salesforce.auth`.
 */
export function configFindings(config: HookpostConfig): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const appId = config.hubspot?.appId;
  if (appId !== undefined && !HUBSPOT_ID.test(appId))
    findings.push({
      level: 'problem',
      path: 'hubspot.appId',
      message: `expected the app's numeric id (digits, as in the developer account), got "${appId}"`,
    });
  config.workspaces.forEach((workspace, i) => {
    const portalId = workspace.hubspot?.portalId;
    if (portalId !== undefined && !HUBSPOT_ID.test(portalId))
      findings.push({
        level: 'problem',
        path: `workspaces[${i}].hubspot.portalId`,
        message: `expected the HubSpot account id (digits, "Hub ID"), got "${portalId}": events of that portal would stay unrouted`,
      });
    workspace.campaigns.forEach((campaign, j) => {
      const { trigger, recipient } = campaign as {
        trigger: { platform: string; object: string };
        recipient: string;
      };
      const object = trigger.object.toLowerCase();
      if (
        trigger.platform === 'salesforce' &&
        recipient !== 'contact' &&
        object !== 'contact' &&
        object !== 'lead'
      )
        if (!workspace.salesforce?.auth && !workspace.salesforce?.dataset)
          findings.push({
            level: 'warning',
            path: `workspaces[${i}].campaigns[${j}].recipient`,
            message: `${/^[aeiou]/i.test(trigger.object) ? 'an' : 'a'} ${trigger.object} campaign with recipient ${recipient} looks the person up in Salesforce, but workspace ${workspace.id} has no salesforce.auth (API access) or dataset: every event will be skipped`,
          });
      if (trigger.platform === 'hubspot' && recipient !== 'contact' && object !== 'contact')
        if (
          workspace.hubspot &&
          !workspace.hubspot.accessToken &&
          !workspace.hubspot.dataset &&
          !config.hubspot?.clientId
        )
          findings.push({
            level: 'warning',
            path: `workspaces[${i}].campaigns[${j}].recipient`,
            message: `recipient ${recipient} needs HubSpot API access (an OAuth install, accessToken or dataset) in workspace ${workspace.id}`,
          });
    });
  });
  return findings;
}
