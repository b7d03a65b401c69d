/**
 * The cashier hands the member of the cart a slip with the one-time link to
 * the consent page ([CS2] on the sync server): the member scans it and
 * answers on their own phone. The till only carries the link; it never
 * records a member's consent.
 */
import { done, info, refusalOf, refuse, type Outcome } from './outcome';
import type { TillPorts } from './ports';

/** Prints the consent slip of the member attached to the cart, or says why not. */
export async function printConsentSlip(
  ports: Pick<TillPorts, 'replica' | 'devices' | 'config' | 'language' | 'state'>,
): Promise<Outcome> {
  const member = ports.state.get().member;
  if (!member) return refuse('MEMBER_MISSING', 'Attach a member first');
  if (member.kind === 'phone-only') {
    return refuse(
      'CONSENT_NEEDS_MEMBER',
      `Member ${member.maskedPhone} is not known to this till: their consent link cannot be asked for`,
      { params: { phone: member.maskedPhone } },
    );
  }
  const answer = await ports.replica.consentInvitation(member.id);
  if (!answer.ok) {
    if (answer.reason === 'offline') {
      return refuse(
        'CONSENT_OFFLINE',
        'The sync server cannot be reached: the consent slip needs it. Try again when online',
      );
    }
    if (answer.reason === 'unknown-member') {
      return refuse('CONSENT_MEMBER_UNKNOWN', `The sync server knows no member ${member.id}`, {
        params: { id: member.id },
      });
    }
    return refuse('CONSENT_REFUSED', `No consent link for this member: ${answer.message}`);
  }
  const maskedName = member.kind === 'known' ? member.maskedName : undefined;
  try {
    const result = await ports.devices.printDocument(
      {
        kind: 'consent-slip',
        slip: {
          url: answer.url,
          expiresAt: answer.expiresAt,
          memberId: member.id,
          ...(maskedName ? { maskedName } : {}),
        },
      },
      ports.config.receiptColumns,
      { language: ports.language() },
    );
    if (!result.printed) {
      return done(null, [
        {
          tone: 'error',
          text: `Consent slip waiting for the printer: ${result.message}`,
          code: 'PRINT_QUEUED',
          context: 'Consent slip waiting for the printer',
        },
      ]);
    }
  } catch (error) {
    return refusalOf(error, 'Consent slip not printed');
  }
  return done(null, [
    info('Consent slip printed: the member scans it to answer', 'CONSENT_SLIP_PRINTED'),
  ]);
}
