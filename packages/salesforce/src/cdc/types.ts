/** The `ChangeEventHeader` of a Change Data Capture event. */
export interface ChangeEventHeader {
  entityName: string;
  recordIds: string[];
  changeType: string;
  changeOrigin?: string | null;
  transactionKey: string;
  sequenceNumber: number;
  commitTimestamp: number | bigint;
  commitNumber?: number | bigint | string;
  commitUser?: string | null;
  nulledFields?: string[];
  diffFields?: string[];
  changedFields?: string[];
}

/** One change event as the transport delivers it. */
export interface CdcEvent {
  replayId: string | number | bigint;
  payload: unknown;
}
