/**
 * The command line's data-subject requests: record one taken in a store or by
 * email, and write the export that answers an access request. See SPEC.md
 * [DQ1], [DQ3].
 */
import { memberExportCsv } from '@pos/domain';
import type { SyncStorage } from '../storage/storage';
import {
  createDataRequest,
  memberExport,
  parseDataRequestInput,
  type PersonalDataReadLog,
  type PersonalDataVault,
} from './data-requests';

/** [DQ1] `data-request <memberId> access|deletion [--channel store] [--note …]`: the intake record. */
export async function dataRequestCommand(
  storage: SyncStorage,
  args: readonly string[],
  options: { channel?: string | undefined; note?: string | undefined; now: Date },
): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  const [memberId, kind, ...extra] = args;
  if (!memberId || !kind || extra.length) {
    return { ok: false, reason: 'data-request: name a member id and access or deletion' };
  }
  const input = parseDataRequestInput({
    memberId,
    kind,
    channel: options.channel ?? 'store',
    ...(options.note === undefined ? {} : { note: options.note }),
  });
  if (typeof input === 'string') return { ok: false, reason: `data-request: ${input}` };
  const request = await createDataRequest(storage, input, options.now, 'cli');
  return {
    ok: true,
    text:
      `data request ${request.id} recorded: ${request.kind} for member ${request.memberId}, ` +
      `due ${request.dueAt}\n${request.id}\n`,
  };
}

/** [DQ3] `export-member <requestId> --format csv|json`: the export, as the admin endpoint sends it. */
export async function exportMemberCommand(
  storage: SyncStorage,
  requestId: string,
  format: string,
  privacy: { vault?: PersonalDataVault | undefined; readLog?: PersonalDataReadLog | undefined },
): Promise<string> {
  if (format !== 'csv' && format !== 'json') throw new RangeError('--format must be csv or json');
  const data = await memberExport(storage, requestId, privacy);
  return format === 'csv' ? memberExportCsv(data) : `${JSON.stringify(data, null, 2)}\n`;
}
