/**
 * One-time invitations to the consent page: a till, a tablet or HQ asks for
 * one for a member, shows its URL as a QR code, and the customer answers on
 * their own phone. The token is the only key to the page, so a clerk never
 * records consent for a customer. See SPEC.md [CS2].
 */
import { createHash, randomBytes } from 'node:crypto';
import type { CollectionName } from '@pos/domain';
import type { SyncStorage } from '../storage/storage';
import { readMember, storageReader } from './consent-check';

/** [CS2] Server-only: invitations by the SHA-256 of their token, never the token. */
export const CONSENT_INVITES_DB = '_consentInvites' as CollectionName;

/** [CS2] How long an invitation opens the page. */
export const INVITATION_TTL_MS = 30 * 60 * 1000;

export type ConsentInvitation = {
  /** SHA-256 (hex) of the token. */
  id: string;
  memberId: string;
  createdAt: string;
  expiresAt: string;
  /** Who asked for it: `device:<id>` or `admin:<id>`. */
  createdBy: string;
};

/** [CS2] A token: 128 random bits, URL-safe (22 characters). */
export function newInvitationToken(random: (bytes: number) => Buffer = randomBytes): string {
  return random(16).toString('base64url');
}

const TOKEN = /^[A-Za-z0-9_-]{22}$/;

export function isInvitationToken(value: string): boolean {
  return TOKEN.test(value);
}

export function invitationId(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export type CreatedInvitation = { token: string; expiresAt: string };

export class InvitationError extends Error {
  constructor(
    readonly code: 'unknown-member' | 'member-inactive',
    message: string,
  ) {
    super(message);
    this.name = 'InvitationError';
  }
}

/** [CS2] Creates an invitation for an active member; the token is returned once and stored hashed. */
export async function createInvitation(
  storage: SyncStorage,
  memberId: string,
  createdBy: string,
  now: Date,
): Promise<CreatedInvitation> {
  const member = await readMember(storageReader(storage), memberId);
  if (!member) throw new InvitationError('unknown-member', `no member ${memberId}`);
  if (member.status !== 'active') {
    throw new InvitationError('member-inactive', `member ${memberId} is not active`);
  }
  const token = newInvitationToken();
  const invitation: ConsentInvitation = {
    id: invitationId(token),
    memberId,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + INVITATION_TTL_MS).toISOString(),
    createdBy,
  };
  const [written] = await storage.bulkWrite([
    {
      db: CONSENT_INVITES_DB,
      id: invitation.id,
      body: invitation,
      storeId: null,
      expectedRev: null,
    },
  ]);
  if (!written?.ok) throw new Error('an invitation token was drawn twice');
  return { token, expiresAt: invitation.expiresAt };
}

export type InvitationLookup =
  | { state: 'open'; invitation: ConsentInvitation; rev: string }
  | { state: 'unknown' }
  | { state: 'expired'; invitation: ConsentInvitation };

/**
 * [CS2] The invitation a token opens at `now`: open until it expires; an
 * unknown token and an expired one are told apart only so the page can
 * say which (a token is 128 random bits: it cannot be guessed).
 */
export async function findInvitation(
  storage: SyncStorage,
  token: string,
  now: Date,
): Promise<InvitationLookup> {
  if (!isInvitationToken(token)) return { state: 'unknown' };
  const id = invitationId(token);
  const row = (await storage.getDocs(CONSENT_INVITES_DB, [id], null)).get(id);
  if (!row) return { state: 'unknown' };
  const invitation = row.body as ConsentInvitation;
  if (now.toISOString() >= invitation.expiresAt) return { state: 'expired', invitation };
  return { state: 'open', invitation, rev: row.rev };
}
