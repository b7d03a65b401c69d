/**
 * EPC (tag data) decoding with `epc-tds`, per GS1 EPC Tag Data Standard.
 * [EPC1] SGTIN-96 gives GTIN-14 and serial, taken from the EPC pure-identity
 *        URI so leading zeros of the company prefix are kept.
 * [EPC2] Anything else (another scheme, bad hex, wrong length) is reported as
 *        `unknown` with the EPC and the reason: a read is never dropped.
 * [EPC3] It never throws.
 */
import tdsModule from 'epc-tds';

type Tds = typeof tdsModule;
// CommonJS with `exports.default`: a bundler gives the default, Node ESM the whole module.
const tds: Tds = (tdsModule as Tds & { default?: Tds }).default ?? tdsModule;

export type EpcInfo =
  | {
      scheme: 'sgtin-96';
      /** The EPC as uppercase hex. */
      epc: string;
      /** urn:epc:tag:sgtin-96:F.CCCCCCC.IIIIII.S */
      tagUri: string;
      /** urn:epc:id:sgtin:CCCCCCC.IIIIII.S */
      idUri: string;
      gtin: string;
      serial: string;
      filter: number;
    }
  | {
      scheme: 'unknown';
      epc: string;
      /** The tag URI when the scheme is a known non-SGTIN one (e.g. SSCC-96). */
      tagUri?: string;
      reason: string;
    };

const MAX_EPC_HEX = 124; // 496 bits, the largest EPC memory bank

/** [EPC1]-[EPC3] */
export function decodeEpc(hex: string): EpcInfo {
  const epc = typeof hex === 'string' ? hex.trim().toUpperCase() : '';
  const unknown = (reason: string, tagUri?: string): EpcInfo => ({
    scheme: 'unknown',
    epc: epc.slice(0, MAX_EPC_HEX),
    ...(tagUri ? { tagUri } : {}),
    reason,
  });
  if (!/^[0-9A-F]*$/.test(epc) || epc.length === 0 || epc.length % 4 !== 0) {
    return unknown('not an EPC: expected whole 16-bit words of hex');
  }
  if (epc.length > MAX_EPC_HEX) return unknown(`EPC of ${epc.length * 4} bits is too long`);
  let decoded: ReturnType<Tds['valueOf']>;
  try {
    decoded = tds.valueOf(epc);
  } catch (error) {
    return unknown(`unsupported EPC scheme (header 0x${epc.slice(0, 2)}): ${String(error)}`);
  }
  let tagUri: string | undefined;
  try {
    tagUri = decoded.toTagURI();
    if (decoded.getType() !== 'SGTIN-96' || epc.length !== 24) {
      return unknown(`${decoded.getType()} is not SGTIN-96`, tagUri);
    }
    const idUri = decoded.toIdURI();
    const filter = (decoded as InstanceType<Tds['Sgtin96']>).getFilter();
    const match = /^urn:epc:id:sgtin:(\d+)\.(\d+)\.(.+)$/.exec(idUri);
    if (!match) return unknown(`cannot read ${idUri}`, tagUri);
    const [, companyPrefix = '', itemReference = '', serial = ''] = match;
    if (companyPrefix.length + itemReference.length !== 13) {
      return unknown(`company prefix and item reference are not 13 digits in ${idUri}`, tagUri);
    }
    const body = itemReference.slice(0, 1) + companyPrefix + itemReference.slice(1);
    return {
      scheme: 'sgtin-96',
      epc,
      tagUri,
      idUri,
      gtin: body + gs1CheckDigit(body),
      serial,
      filter,
    };
  } catch (error) {
    return unknown(`cannot decode: ${String(error)}`, tagUri);
  }
}

/** GS1 mod-10 check digit of the digits before it. */
export function gs1CheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return String((10 - (sum % 10)) % 10);
}
