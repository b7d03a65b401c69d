/**
 * Channel tokens: an online channel's server (the shop, the mini-program, a
 * delivery platform) calls the orders API with a token of its own, issued by
 * HQ and stored only as its hash. It places orders of its channel and reads
 * its channel's orders; it opens nothing else (no replication, no HQ
 * endpoint). See SPEC.md [OS8].
 */
import type { CollectionName, OrderChannel } from '@pos/domain';
import { hashToken, newToken, parseBearer, principalIdRefusal } from '../auth';
import type { JsonObject } from '../protocol';
import type { SyncStorage } from '../storage/storage';

/** [OS8] Server-only: each channel token's hash, by hash. */
export const CHANNEL_TOKENS_DB = '_channelTokens' as CollectionName;

/** [OS8] The channels that call the orders API from outside a store. */
export const ONLINE_CHANNELS = ['shop', 'mini-program', 'delivery-platform'] as const;
export type OnlineChannel = (typeof ONLINE_CHANNELS)[number] & OrderChannel;

export const isOnlineChannel = (value: unknown): value is OnlineChannel =>
  typeof value === 'string' && (ONLINE_CHANNELS as readonly string[]).includes(value);

/** [OS8] Who a channel token proves the caller to be. */
export type ChannelPrincipal = { kind: 'channel'; name: string; channel: OnlineChannel };

type ChannelTokenRecord = {
  id: string;
  name: string;
  channel: OnlineChannel;
  status: 'active' | 'revoked';
  issuedAt: string;
  issuedBy: string;
  revokedAt?: string;
};

/**
 * [OS8] Issues a new token for the channel client `name` (e.g. `shop-web`)
 * of `channel`; its earlier tokens stop working. Returns the token, to show
 * once. Refuses a malformed name or a channel that is not online.
 */
export async function issueChannelToken(
  storage: SyncStorage,
  client: { name: string; channel: string },
  issuedBy: string,
  now: Date = new Date(),
  random?: (bytes: number) => Buffer,
): Promise<{ token: string; name: string; channel: OnlineChannel; replaced: number }> {
  const invalid = principalIdRefusal('the channel client name', client.name);
  if (invalid) throw new Error(invalid);
  if (!isOnlineChannel(client.channel)) {
    throw new Error(`the channel must be one of ${ONLINE_CHANNELS.join(', ')}`);
  }
  const channel = client.channel;
  const token = newToken(random);
  const at = now.toISOString();
  const replaced = await storage.transaction(async (tx) => {
    const earlier = await tx.findDocs(CHANNEL_TOKENS_DB, {
      fields: { name: client.name, status: 'active' },
    });
    for (const row of earlier) {
      const revoked = { ...row.body, status: 'revoked', revokedAt: at };
      const written = await tx.put({
        db: CHANNEL_TOKENS_DB,
        id: row.id,
        body: revoked,
        storeId: null,
        expectedRev: row.rev,
      });
      if (!written.ok) throw new Error(`channel token changed underneath: ${written.reason}`);
    }
    const id = hashToken(token);
    const record: ChannelTokenRecord = {
      id,
      name: client.name,
      channel,
      status: 'active',
      issuedAt: at,
      issuedBy,
    };
    const written = await tx.put({
      db: CHANNEL_TOKENS_DB,
      id,
      body: record as unknown as JsonObject,
      storeId: null,
      expectedRev: null,
    });
    if (!written.ok) throw new Error('a channel token collided; issue again');
    return earlier.length;
  });
  return { token, name: client.name, channel, replaced };
}

/** [OS8] The channel client a bearer token proves, or null (read on every request). */
export async function authenticateChannel(
  storage: Pick<SyncStorage, 'getDocs'>,
  authorization: string | undefined,
): Promise<ChannelPrincipal | null> {
  const token = parseBearer(authorization);
  if (!token) return null;
  const id = hashToken(token);
  const row = (await storage.getDocs(CHANNEL_TOKENS_DB, [id], null)).get(id);
  const record = row?.body as ChannelTokenRecord | undefined;
  if (record?.status !== 'active') return null;
  return { kind: 'channel', name: record.name, channel: record.channel };
}
