import { bench, describe } from 'vitest';
import { buildOutboundMessage, parseOutboundMessage, toCrmEvents } from '../src/index.js';

const message = (count: number) =>
  buildOutboundMessage({
    organizationId: '00D5e000000KQ2eEAG',
    actionId: '04k5e000000AbCdAAK',
    notifications: Array.from({ length: count }, (_, i) => ({
      id: `04l5e0000${String(i).padStart(6, '0')}AAK`,
      objectType: 'Contact',
      fields: {
        Id: `0035e0000${String(i).padStart(6, '0')}AAV`,
        FirstName: 'Erika',
        LastName: 'Mustermann',
        MailingStreet: 'Heidestraße 17',
        MailingCity: 'Köln',
        MailingPostalCode: '51147',
        MailingCountry: 'Germany',
        Email: null,
        LastModifiedDate: '2026-11-27T10:00:00.000Z',
      },
    })),
  });

const one = message(1);
const hundred = message(100);

describe('outbound message', () => {
  bench('parse + normalise, 1 notification', () => {
    toCrmEvents(parseOutboundMessage(one));
  });
  bench(`parse + normalise, 100 notifications (${Math.round(hundred.length / 1024)} KiB)`, () => {
    toCrmEvents(parseOutboundMessage(hundred));
  });
});
