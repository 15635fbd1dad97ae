import type { CrmEvent } from '@hookpost/core';

/** Stand-in for the reader's durable write (a database insert in real life). */
export const saved: CrmEvent[] = [];
const saveEvents = async (events: CrmEvent[]) => void saved.push(...events);

// #region readme
import { createServer } from 'node:http';
import { HookpostHubSpotError, parseWebhookBatch, readRawBody, verifySignature } from '@hookpost/hubspot';

const clientSecrets = [process.env.HUBSPOT_CLIENT_SECRET ?? ''];
const publicUrl = 'https://hooks.example.com'; // what HubSpot calls, not what the proxy forwards

export const server = createServer(async (req, res) => {
  try {
    const rawBody = await readRawBody(req, 1_000_000); // the exact bytes HubSpot signed
    const verified = verifySignature({
      method: req.method ?? 'POST',
      url: publicUrl + req.url,
      rawBody,
      headers: req.headers,
      clientSecrets,
    });
    if (!verified.ok) return void res.writeHead(401).end(verified.reason);
    const events = parseWebhookBatch(rawBody); // CrmEvent[] — kinds created, updated, deleted, …
    await saveEvents(events); // store first …
    res.writeHead(204).end(); // … then acknowledge; HubSpot retries anything else
  } catch (error) {
    res.writeHead(error instanceof HookpostHubSpotError ? error.status : 503).end();
  }
});
server.listen(Number(process.env.PORT ?? 3000));
// #endregion readme
