/** Error records of the RFID frame decoders: a bad frame is counted and skipped, never thrown. */
export type FrameErrorCode = 'GARBAGE' | 'BAD_LENGTH' | 'BAD_CHECKSUM' | 'TRUNCATED';

export type FrameError = {
  kind: 'error';
  code: FrameErrorCode;
  /** Stream offset of the first byte skipped. */
  offset: number;
  /** How many bytes were skipped. */
  skipped: number;
  message: string;
};

export function hexString(bytes: ArrayLike<number>): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join('');
}
