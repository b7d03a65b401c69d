/**
 * [PK4] A member as HQ writes them (`MemberRecord`: personal data in
 * plaintext with the rest of the member), checked before the intake stores
 * it: the personal data against its own schema, the rest as the member
 * document it becomes ([PI1]). Pure; never throws.
 */
import {
  DOMAIN_SCHEMAS,
  memberView,
  normalisePhone,
  validateAgainstSchema,
  validateDocument,
  type IndexKey,
  type MemberRecord,
  type PersonalData,
  type SchemaProblem,
} from '@pos/domain';

const phone = { type: 'string', pattern: '^1[3-9]\\d{9}$', maxLength: 11 } as const;
const text = { type: 'string', maxLength: 200 } as const;

const ADDRESS_SCHEMA = {
  type: 'object',
  properties: {
    label: { type: 'string', maxLength: 40 },
    recipient: text,
    phone,
    province: text,
    city: text,
    district: text,
    detail: { type: 'string', maxLength: 500 },
  },
  required: ['recipient', 'phone', 'province', 'city', 'district', 'detail'],
  additionalProperties: false,
} as const;

const { properties: memberFields } = DOMAIN_SCHEMAS.members;

/** A member record: the member document's own fields plus the personal data. */
const MEMBER_RECORD_SCHEMA = {
  type: 'object',
  properties: {
    id: memberFields.id,
    name: { type: 'string', maxLength: 100 },
    phone,
    birthday: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' },
    addresses: { type: 'array', maxItems: 20, items: ADDRESS_SCHEMA },
    tier: memberFields.tier,
    homeStoreId: memberFields.homeStoreId,
    points: memberFields.points,
    status: { type: 'string', enum: ['active', 'closed'] },
  },
  required: ['id', 'name', 'phone', 'tier', 'homeStoreId', 'points', 'status'],
  additionalProperties: false,
} as const;

/** The fields of a member document that a record never carries (the server derives them). */
const VIEW_ONLY = ['maskedName', 'maskedPhone', 'phoneIndex', 'phoneTailIndex', 'indexKeyId'];

/**
 * [PK4] What is wrong with `value` as a member record; empty when it can be
 * stored. A member document as devices hold it (masked, indexed) is refused
 * with its own message: the server derives those fields from the plaintext.
 */
export function memberRecordProblems(value: unknown, key: IndexKey): SchemaProblem[] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const viewFields = VIEW_ONLY.filter((field) => Object.hasOwn(value, field));
    if (viewFields.length) {
      return [
        {
          path: '$',
          message:
            `is a member document as devices hold it (${viewFields.join(', ')}): ` +
            'send the member record with name and phone; the server masks and encrypts them',
        },
      ];
    }
  }
  const problems = validateAgainstSchema(MEMBER_RECORD_SCHEMA, value);
  if (problems.length) return problems;
  const record = value as MemberRecord;
  if (record.name.trim() === '') return [{ path: '$.name', message: 'must not be empty' }];
  return validateDocument('members', memberView(record, key));
}

/** The personal data of a record (what the intake encrypts), without the member's other fields. */
export function personalDataOf(record: PersonalData): PersonalData {
  return {
    name: record.name,
    phone: record.phone,
    ...(record.birthday !== undefined ? { birthday: record.birthday } : {}),
    ...(record.addresses !== undefined ? { addresses: record.addresses } : {}),
  };
}

/** A phone number as typed, normalised, or null when it is not a mobile number. */
export function normalisedPhone(input: unknown): string | null {
  const parsed = normalisePhone(input);
  return parsed.ok ? parsed.phone : null;
}
