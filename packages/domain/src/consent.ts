/**
 * Consent under PIPL: an append-only ledger per member and purpose, written
 * only from the customer's own device, and the one check every use of
 * personal data for a purpose makes. Pure. See SPEC.md [CN1]-[CN5].
 */

/**
 * [CN1] What a member may consent to, one entry each. Membership itself
 * (finding the member at a till, points) rests on the membership the
 * customer signed up for, not on this ledger ([CN5]).
 */
export const CONSENT_PURPOSES = [
  'marketing-messages',
  'tryon-suggestions',
  'personalised-offers',
  'cross-border-transfer',
] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/**
 * [CN2] Where a consent was given or withdrawn: always a page the customer
 * opened on their own phone. A till, a tablet or HQ cannot write one.
 */
export const CONSENT_CHANNELS = ['customer-web', 'shop', 'mini-program'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

/** One line of the ledger. Never changed or removed once written. */
export type ConsentEntry = {
  id: string;
  memberId: string;
  purpose: ConsentPurpose;
  /** true: given; false: withdrawn. */
  granted: boolean;
  /** The privacy policy the customer was shown, e.g. `2026-11`. */
  policyVersion: string;
  channel: ConsentChannel;
  /** When it was recorded (the server's clock, ISO instant). */
  at: string;
};

export type ConsentState = {
  purpose: ConsentPurpose;
  granted: boolean;
  /** The entry that decided; none when the member has never answered. */
  entry?: ConsentEntry;
};

export function isConsentPurpose(value: unknown): value is ConsentPurpose {
  return typeof value === 'string' && (CONSENT_PURPOSES as readonly string[]).includes(value);
}

/**
 * [CN3] A member's consent for a purpose: the latest of their entries for it
 * (by time, then by id); no entry is no consent. Entries of other members
 * or purposes are ignored.
 */
export function consentFor(
  entries: readonly ConsentEntry[],
  memberId: string,
  purpose: ConsentPurpose,
): ConsentState {
  let latest: ConsentEntry | undefined;
  for (const entry of entries) {
    if (entry.memberId !== memberId || entry.purpose !== purpose) continue;
    if (
      latest === undefined ||
      entry.at > latest.at ||
      (entry.at === latest.at && entry.id > latest.id)
    ) {
      latest = entry;
    }
  }
  return latest ? { purpose, granted: latest.granted, entry: latest } : { purpose, granted: false };
}

/** [CN3] Every purpose's state for one member, in `CONSENT_PURPOSES` order. */
export function consentSummary(entries: readonly ConsentEntry[], memberId: string): ConsentState[] {
  return CONSENT_PURPOSES.map((purpose) => consentFor(entries, memberId, purpose));
}

/**
 * [CN4] The entries a customer's answer adds: one per purpose whose answer
 * differs from the current state (answering the same again adds nothing).
 * Purposes not answered are left as they are.
 */
export function consentChanges(
  entries: readonly ConsentEntry[],
  answer: {
    memberId: string;
    choices: Partial<Record<ConsentPurpose, boolean>>;
    policyVersion: string;
    channel: ConsentChannel;
    at: string;
  },
  newId: (purpose: ConsentPurpose) => string,
): ConsentEntry[] {
  const added: ConsentEntry[] = [];
  for (const purpose of CONSENT_PURPOSES) {
    const granted = answer.choices[purpose];
    if (granted === undefined) continue;
    const now = consentFor(entries, answer.memberId, purpose);
    if (now.entry !== undefined && now.granted === granted) continue;
    if (now.entry === undefined && !granted) continue;
    added.push({
      id: newId(purpose),
      memberId: answer.memberId,
      purpose,
      granted,
      policyVersion: answer.policyVersion,
      channel: answer.channel,
      at: answer.at,
    });
  }
  return added;
}
