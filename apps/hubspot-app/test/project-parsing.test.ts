import path from 'node:path';
import {
  isKnownPlatformVersion,
  parseProjectConfig,
  validateProjectConfig,
} from '@hubspot/project-parsing-lib/projects';
import { translate } from '@hubspot/project-parsing-lib/translate';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

// @hubspot/project-parsing-lib is what the HubSpot CLI (`hs project upload`) uses to read a
// project into the intermediate representation it uploads. Its JSON-schema validation
// fetches the schemas from a HubSpot account, so offline we run the parse and transform
// (file discovery, hsmeta parsing, uids, component types) and check the result.
describe('the project as the HubSpot CLI reads it', () => {
  it('has a valid hsproject.json on a platform version the CLI knows', () => {
    const project = parseProjectConfig(root);
    expect(() => validateProjectConfig(project, root)).not.toThrow();
    expect(project).toMatchObject({ name: 'hookpost', srcDir: 'src', platformVersion: '2026.03' });
    expect(isKnownPlatformVersion(project.platformVersion)).toBe(true);
  });

  it('translates into the app, its webhooks and the workflow action, with no skipped files', async () => {
    const { intermediateRepresentation, skippedHsMetaFiles } = await translate(
      { projectSourceDir: path.join(root, 'src'), platformVersion: '2026.03' },
      { skipValidation: true },
    );
    expect(skippedHsMetaFiles).toEqual([]);
    const nodes = Object.values(intermediateRepresentation.intermediateNodesIndexedByUid);
    expect(nodes.map((n) => [n.uid, n.componentType]).sort()).toEqual([
      ['hookpost_app', 'APPLICATION'],
      ['hookpost_webhooks', 'WEBHOOKS'],
      ['send_direct_mail', 'WORKFLOW_ACTION'],
    ]);
    const action = nodes.find((n) => n.uid === 'send_direct_mail');
    expect(JSON.stringify(action?.config)).toContain('/webhooks/hubspot/workflow-action/options');
  });
});
