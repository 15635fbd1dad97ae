import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type MailStatus, type MailStatusReport, mailStatusRank, signWebhook } from '@hookpost/core';
import { Webhook } from 'standardwebhooks';

export interface FakePiece {
  triggerId: string;
  body: Record<string, unknown>;
  /** The furthest status the platform reached (what decides a cancel). */
  status: MailStatus;
}

export interface FakeMailPlatform {
  /** Where Hookpost delivers triggers (destination `url`). */
  triggersUrl: string;
  /** Destination `cancelUrl` template. */
  cancelUrl: string;
  pieces: Map<string, FakePiece>;
  /** Cancel requests received, with the status answered. */
  cancels: Array<{ triggerId: string; reason: string; webhookId: string; answered: number }>;
  /** Requests whose signature did not verify (must stay empty). */
  unverified: string[];
  /** Where status webhooks go (`<connector>/webhooks/mail/<destination>`); set once the connector runs. */
  reportTo(url: string): void;
  /**
   * Sends one signed status report now; returns the connector's HTTP status. `id` repeats a
   * report (a platform retry); `occurredAt` back-dates it.
   */
  emit(triggerId: string, status: MailStatus, extra?: Partial<MailStatusReport>): Promise<number>;
  /** Emits each status in turn with `intervalMs` between them (a piece's journey on a schedule). */
  journey(triggerId: string, statuses: MailStatus[], intervalMs?: number): Promise<number[]>;
  waitForPiece(triggerId?: string, timeoutMs?: number): Promise<FakePiece>;
  close(): Promise<void>;
}

const PRINTED_RANK = mailStatusRank('printed') ?? 2;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/**
 * A direct-mail platform for tests, over real HTTP: accepts campaign triggers (verifying
 * their Standard Webhooks signatures), reports each piece's journey back to Hookpost as
 * signed `mail.status` webhooks on demand or on a schedule, and answers cancels like a
 * print shop: 200 before the piece is printed, 409 after.
 */
export async function startFakeMailPlatform(secret: string): Promise<FakeMailPlatform> {
  const webhook = new Webhook(secret);
  const pieces = new Map<string, FakePiece>();
  const cancels: FakeMailPlatform['cancels'] = [];
  const unverified: string[] = [];
  let statusUrl = '';
  let sequence = 0;

  function verified(req: IncomingMessage, text: string): boolean {
    try {
      webhook.verify(text, {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      });
      return true;
    } catch {
      unverified.push(`${req.method} ${req.url}`);
      return false;
    }
  }

  const server: Server = createServer(async (req, res) => {
    const text = await readBody(req);
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!verified(req, text)) return answer(401, { error: 'invalid signature' });
    const body = JSON.parse(text) as Record<string, unknown>;
    if (req.url === '/triggers') {
      const triggerId = String(body.id);
      if (!pieces.has(triggerId)) pieces.set(triggerId, { triggerId, body, status: 'accepted' });
      return answer(202, { id: `pc_${triggerId}` });
    }
    const cancel = /^\/pieces\/([^/]+)\/cancel$/.exec(req.url ?? '');
    if (cancel && body.type === 'campaign.cancel') {
      const triggerId = decodeURIComponent(cancel[1] ?? '');
      const piece = pieces.get(triggerId);
      const late = piece !== undefined && (mailStatusRank(piece.status) ?? 0) >= PRINTED_RANK;
      const status = !piece ? 404 : late ? 409 : 200;
      if (piece && !late) piece.status = 'cancelled';
      cancels.push({
        triggerId,
        reason: String(body.reason),
        webhookId: String(req.headers['webhook-id']),
        answered: status,
      });
      return answer(
        status,
        late ? { error: 'too_late', message: 'already printed' } : { cancelled: status === 200 },
      );
    }
    answer(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  async function emit(triggerId: string, status: MailStatus, extra: Partial<MailStatusReport> = {}) {
    const piece = pieces.get(triggerId);
    if (piece && (mailStatusRank(status) ?? 0) > (mailStatusRank(piece.status) ?? 0)) piece.status = status;
    sequence += 1;
    const report: MailStatusReport = {
      type: 'mail.status',
      id: `mst_${sequence}_${randomBytes(4).toString('hex')}`,
      triggerId,
      status,
      occurredAt: new Date(Date.now() + sequence).toISOString(),
      trackingId: null,
      carrier: null,
      expectedDeliveryAt: null,
      reason: null,
      address: null,
      ...extra,
    };
    const signed = signWebhook(report.id, report, secret);
    const response = await fetch(statusUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signed.headers },
      body: signed.body,
    });
    await response.arrayBuffer();
    return response.status;
  }

  return {
    triggersUrl: `${base}/triggers`,
    cancelUrl: `${base}/pieces/{id}/cancel`,
    pieces,
    cancels,
    unverified,
    reportTo: (url) => {
      statusUrl = url;
    },
    emit,
    async journey(triggerId, statuses, intervalMs = 10) {
      const answers: number[] = [];
      for (const status of statuses) {
        answers.push(await emit(triggerId, status));
        await new Promise((r) => setTimeout(r, intervalMs));
      }
      return answers;
    },
    async waitForPiece(triggerId, timeoutMs = 15_000) {
      const started = Date.now();
      for (;;) {
        const piece = triggerId ? pieces.get(triggerId) : [...pieces.values()].at(-1);
        if (piece) return piece;
        if (Date.now() - started > timeoutMs) throw new Error('fake mail platform: no piece arrived');
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
