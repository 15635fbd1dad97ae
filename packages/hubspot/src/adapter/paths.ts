/** Paths the HubSpot adapter serves; the app's webhook, workflow-action and redirect URLs point here. */
export const HUBSPOT_ROUTES = {
  webhook: '/webhooks/hubspot',
  workflowAction: '/webhooks/hubspot/workflow-action',
  workflowOptions: '/webhooks/hubspot/workflow-action/options',
  install: '/oauth/hubspot/install',
  callback: '/oauth/hubspot/callback',
} as const;
