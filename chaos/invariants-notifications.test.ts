import { describe, expect, it } from 'vitest';
import { checkNotificationWriters } from './invariants-notifications';
import type { NotificationStore } from './store-files';

const item = (notificationId: string, orderId: string | null, writerRegion: string) => ({
  notificationId,
  orderId,
  writerRegion,
});

describe('checkNotificationWriters', () => {
  const replicated = (): Record<string, NotificationStore> => ({
    'us-east-1': {
      items: [item('e1', 'ord_1_us-east-1', 'us-east-1'), item('e2', 'ord_2_eu-west-1', 'eu-west-1')],
      conflicts: [],
    },
    'eu-west-1': {
      items: [item('e1', 'ord_1_us-east-1', 'us-east-1'), item('e2', 'ord_2_eu-west-1', 'eu-west-1')],
      conflicts: [],
    },
  });

  it('passes when every copy holds the write of the order region', () => {
    expect(checkNotificationWriters({ notificationStore: replicated() }).passed).toBe(true);
  });

  it('fails when another region wrote a notification (its write won or came first)', () => {
    const store = replicated();
    store['eu-west-1'] = { items: [item('e1', 'ord_1_us-east-1', 'eu-west-1')], conflicts: [] };
    const row = checkNotificationWriters({ notificationStore: store });
    expect(row.passed).toBe(false);
    expect(row.summary).toMatch(/1 written by another region/);
  });

  it('fails on a replication conflict on a notification, even when the right write won', () => {
    const store = replicated();
    store['us-east-1']?.conflicts.push({
      pk: 'NOTIFICATION#e1',
      localWriter: 'us-east-1',
      remoteWriter: 'eu-west-1',
      winner: 'local',
    });
    expect(checkNotificationWriters({ notificationStore: store }).summary).toMatch(/1 replication conflicts/);
  });

  it('fails when there is nothing to check', () => {
    expect(
      checkNotificationWriters({ notificationStore: { 'us-east-1': { items: [], conflicts: [] } } }).passed,
    ).toBe(false);
  });
});
