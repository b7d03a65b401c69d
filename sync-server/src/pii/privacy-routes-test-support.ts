/**
 * Test helpers for consent, the outbox and data-subject requests: a seeded
 * server with privacy configured, members as the server stores them
 * (masked, blind-indexed), a clock the test moves, and an in-memory
 * personal-data vault. Imported by tests only.
 */
import type { Member, PersonalData } from '@pos/domain';
import { INDEX_KEY_FIXTURE, MEMBER_RECORD_FIXTURE } from '@pos/domain/fixtures';
import { memberView } from '@pos/domain';
import { provisionAdminToken } from '../auth';
import { seedDemo } from '../demo-data';
import { createSyncServer } from '../server';
import type { SyncStorage } from '../storage/storage';
import { requestAs, type Backend } from '../test-support';
import type { PersonalDataVault } from './data-requests';
import type { PrivacyOptions } from './privacy-routes';

/**
 * A stand-in for the server's encrypted vault with exactly its contract
 * (`PersonalDataVault`): the real one is built beside this work and wired by
 * the server's configuration; this one keeps plaintext in memory and
 * records each shred, so tests can see that a deletion reached it.
 */
export class InMemoryVault implements PersonalDataVault {
  readonly data = new Map<string, PersonalData>();
  readonly shredded: { memberId: string; at: string }[] = [];

  read(memberId: string): Promise<PersonalData | null> {
    return Promise.resolve(this.data.get(memberId) ?? null);
  }

  shred(memberId: string, at: string): Promise<boolean> {
    this.shredded.push({ memberId, at });
    return Promise.resolve(this.data.delete(memberId));
  }
}

/** M1 of S001 (张伟) and M2 of S002 (Alex Chen), as the server's documents hold them. */
export const PRIVACY_MEMBERS = [
  { ...MEMBER_RECORD_FIXTURE, id: 'M1', homeStoreId: 'S001' },
  {
    ...MEMBER_RECORD_FIXTURE,
    id: 'M2',
    name: 'Alex Chen',
    phone: '13900139003',
    homeStoreId: 'S002',
  },
] as const;

export type PrivacyTestServer = {
  url: string;
  storage: SyncStorage;
  vault: InMemoryVault;
  adminToken: string;
  /** The server's clock: tests move it. */
  clock: { now: Date };
  advance(ms: number): void;
  request(
    token: string | null,
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; text: string; body: unknown; headers: Headers }>;
  writeMember(member: Member): Promise<void>;
  close(): Promise<void>;
};

export const POLICY_VERSION = '2026-12';

export async function startPrivacyServer(
  backend: Backend,
  options: Omit<PrivacyOptions, 'vault'> & { vault?: boolean } = {},
): Promise<PrivacyTestServer> {
  const storage = await backend.open();
  await seedDemo(storage);
  const vault = new InMemoryVault();
  for (const record of PRIVACY_MEMBERS) {
    const { name, phone } = record;
    vault.data.set(record.id, { name, phone });
    const member = memberView(record, INDEX_KEY_FIXTURE);
    await storage.bulkWrite([
      {
        db: 'members',
        id: member.id,
        body: member,
        storeId: member.homeStoreId,
        expectedRev: null,
      },
    ]);
  }
  const { token: adminToken } = await provisionAdminToken(storage, 'privacy-test');
  const clock = { now: new Date('2026-03-01T02:00:00.000Z') };
  const { vault: withVault = true, ...privacy } = options;
  const server = createSyncServer({
    storage,
    log: () => {},
    now: () => clock.now,
    rateLimit: false,
    consent: { policyVersion: POLICY_VERSION, ...privacy, vault: withVault ? vault : undefined },
  });
  const url = await server.listen(0, '127.0.0.1');
  return {
    url,
    storage,
    vault,
    adminToken,
    clock,
    advance(ms) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
    request: (token, path, init) => requestAs(url, token, path, init),
    async writeMember(member) {
      await storage.transaction(async (tx) => {
        const row = (await tx.getDocs('members', [member.id])).get(member.id);
        await tx.put({
          db: 'members',
          id: member.id,
          body: member,
          storeId: member.homeStoreId,
          expectedRev: row?.rev ?? null,
        });
      });
    },
    async close() {
      await server.close();
      await storage.close();
    },
  };
}

/** The token of an invitation URL. */
export function tokenOf(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** Answers the page as the customer's phone does: the form, `yes`/`no` per purpose. */
export function formBody(answers: Record<string, 'yes' | 'no'>): string {
  return new URLSearchParams(answers).toString();
}
