/**
 * Drivers for serial UHF RFID readers. Each runs inventory rounds while open
 * and reports each tag as a TagRead (EPC decoded, de-duplicated within a
 * window). They carry no business rules: what a tag means to a sale is the
 * app's decision.
 * [RF1] Inventory runs continuously while the reader is open: the next round
 *       is asked for when the previous one is answered, or after a reply
 *       timeout (the decoder then resyncs).
 * [RF2] Bad frames are counted (`stats.badFrames`), reported to
 *       `onFrameError`, and skipped; reading goes on.
 * [RF3] Reads are de-duplicated within `dedupWindowMs` (default 2 s);
 *       antenna and RSSI are kept when the reader sends them.
 * [ZE9] `onRawRead` gets every read as decoded, before de-duplication, with
 *       its antenna and RSSI: the zone engine needs the RSSI changes the
 *       window hides.
 */
import type { DeviceHealth } from '../device-status';
import { Listeners } from '../listeners';
import { SerialConnection } from '../serial-connection';
import { decodeEpc } from './epc';
import type { FrameError } from './frame-errors';
import {
  R2000FrameDecoder,
  R2000_BROADCAST,
  R2000_CMD,
  encodeR2000,
  parseR2000Inventory,
} from './r2000-frame';
import { TagReadDeduplicator } from './tag-dedup';
import type { TagRead } from './tag-read';
import {
  UHF18_BROADCAST,
  UHF18_CMD,
  Uhf18FrameDecoder,
  encodeUhf18,
  parseUhf18Inventory,
} from './uhf18-frame';

export type RfidReaderOptions = {
  path: string;
  /** Device id, used as the read's `source`; defaults to the path. */
  id?: string;
  /** Default 115200 (R2000) or 57600 (UHFReader18), their factory settings. */
  baudRate?: number;
  /** Reader bus address; default 0xFF (broadcast). */
  address?: number;
  /** Default 2000 ms. */
  dedupWindowMs?: number;
  /** Pause between inventory rounds; default 50 ms. */
  intervalMs?: number;
  /** A round not answered within this is given up and asked again; default 1000 ms. */
  replyTimeoutMs?: number;
  now?: () => Date;
  /** Check for unplug / replug this often and reopen by itself; 0 never. Default 1000 ms. */
  reconnectMs?: number;
};

export type RfidStats = { rounds: number; reads: number; reported: number; badFrames: number };

type Protocol = {
  defaultBaud: number;
  inventoryCommand(address: number): Uint8Array;
  /** Feeds bytes; calls `tag` per tag read and returns whether the round ended. */
  push(
    chunk: Uint8Array,
    tag: (read: { epc: string; antenna?: number; rssi?: number }) => void,
    error: (record: FrameError | { kind: 'error'; code: 'BAD_REPLY'; message: string }) => void,
  ): boolean;
  resync(error: (record: FrameError) => void): void;
};

/** What the hub needs of an RFID reader. */
export type RfidReaderDevice = {
  readonly id: string;
  onTagRead(callback: (read: TagRead) => void): () => void;
  /** [ZE9] Every read as decoded, before de-duplication (fixed readers feeding the zone engine). */
  onRawRead?(callback: (read: TagRead) => void): () => void;
  onStatus(callback: (health: DeviceHealth) => void): () => void;
  status(): DeviceHealth;
  open(): Promise<void>;
  close(): Promise<void>;
};

export type RfidFrameError = { code: string; message: string; source: string };

class SerialRfidReader implements RfidReaderDevice {
  readonly id: string;
  readonly kind = 'rfid' as const;
  readonly stats: RfidStats = { rounds: 0, reads: 0, reported: 0, badFrames: 0 };
  readonly #reads = new Listeners<TagRead>();
  readonly #rawReads = new Listeners<TagRead>();
  readonly #frameErrors = new Listeners<RfidFrameError>();
  readonly #connection: SerialConnection;
  readonly #protocol: Protocol;
  readonly #dedup: TagReadDeduplicator;
  readonly #address: number;
  readonly #intervalMs: number;
  readonly #replyTimeoutMs: number;
  readonly #now: () => Date;
  #running = false;
  #wanted = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: RfidReaderOptions, protocol: Protocol, defaultAddress: number) {
    this.id = options.id ?? options.path;
    this.#protocol = protocol;
    this.#address = options.address ?? defaultAddress;
    this.#intervalMs = options.intervalMs ?? 50;
    this.#replyTimeoutMs = options.replyTimeoutMs ?? 1_000;
    this.#now = options.now ?? (() => new Date());
    this.#dedup = new TagReadDeduplicator({ windowMs: options.dedupWindowMs ?? 2_000 });
    this.#connection = new SerialConnection({
      path: options.path,
      baudRate: options.baudRate ?? protocol.defaultBaud,
      onData: (chunk) => this.#onData(chunk),
      reconnectMs: options.reconnectMs ?? 1_000,
    });
    this.#connection.onStatus((health) => {
      if (health.state !== 'ready') this.#stop();
      else if (this.#wanted && !this.#running) {
        // Plugged back in: inventory again.
        this.#running = true;
        this.#ask();
      }
    });
  }

  onTagRead(callback: (read: TagRead) => void): () => void {
    return this.#reads.add(callback);
  }

  /** [ZE9] Every read as decoded, before de-duplication, with antenna and RSSI. */
  onRawRead(callback: (read: TagRead) => void): () => void {
    return this.#rawReads.add(callback);
  }

  /** [RF2] Bad frames and replies, for diagnostics. */
  onFrameError(callback: (error: RfidFrameError) => void): () => void {
    return this.#frameErrors.add(callback);
  }

  onStatus(callback: (health: DeviceHealth) => void): () => void {
    return this.#connection.onStatus(callback);
  }

  status(): DeviceHealth {
    return this.#connection.health;
  }

  /** Opens the port and starts inventory [RF1]. */
  async open(): Promise<void> {
    this.#wanted = true;
    await this.#connection.open();
    if (this.#running) return;
    this.#running = true;
    this.#ask();
  }

  async close(): Promise<void> {
    this.#wanted = false;
    this.#stop();
    await this.#connection.close();
  }

  #stop(): void {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #ask(): void {
    if (!this.#running) return;
    this.stats.rounds++;
    this.#schedule(this.#replyTimeoutMs, () => {
      this.#protocol.resync((record) => this.#frameError(record));
      this.#ask();
    });
    this.#connection.write(this.#protocol.inventoryCommand(this.#address)).catch(() => undefined);
  }

  #schedule(ms: number, run: () => void): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      run();
    }, ms);
  }

  #onData(chunk: Uint8Array): void {
    const ended = this.#protocol.push(
      chunk,
      (tag) => this.#tag(tag),
      (record) => this.#frameError(record),
    );
    if (ended && this.#running) this.#schedule(this.#intervalMs, () => this.#ask());
  }

  #tag(tag: { epc: string; antenna?: number; rssi?: number }): void {
    this.stats.reads++;
    const now = this.#now();
    const read = toTagRead(tag, this.id, now);
    this.#rawReads.emit(read); // [ZE9]
    if (!this.#dedup.accept(tag.epc, now.getTime())) return;
    this.stats.reported++;
    this.#reads.emit(read);
  }

  #frameError(record: { code: string; message: string }): void {
    this.stats.badFrames++;
    this.#frameErrors.emit({ code: record.code, message: record.message, source: this.id });
  }
}

/** One reader's raw tag as the common TagRead shape, EPC decoded. */
export function toTagRead(
  tag: { epc: string; antenna?: number; rssi?: number },
  source: string,
  at: Date,
): TagRead {
  const info = decodeEpc(tag.epc);
  return {
    epc: info.epc,
    scheme: info.scheme,
    ...(info.scheme === 'sgtin-96' ? { gtin: info.gtin, serial: info.serial } : {}),
    ...(info.tagUri ? { tagUri: info.tagUri } : {}),
    ...(tag.antenna === undefined ? {} : { antenna: tag.antenna }),
    ...(tag.rssi === undefined ? {} : { rssi: tag.rssi }),
    source,
    at: at.toISOString(),
  };
}

/** R2000-module readers (`A0` frames with checksum), real-time inventory (0x89). */
export class R2000Reader extends SerialRfidReader {
  constructor(options: RfidReaderOptions) {
    const decoder = new R2000FrameDecoder();
    super(
      options,
      {
        defaultBaud: 115_200,
        inventoryCommand: (address) =>
          encodeR2000({ address, command: R2000_CMD.realTimeInventory, data: Uint8Array.of(1) }),
        push(chunk, tag, error) {
          let ended = false;
          for (const record of decoder.push(chunk)) {
            if (record.kind === 'error') {
              error(record);
              continue;
            }
            if (record.command !== R2000_CMD.realTimeInventory) continue;
            const reply = parseR2000Inventory(record.data);
            if (reply.kind === 'tag') {
              const { epc, antenna, rssi } = reply.tag;
              tag({ epc, antenna, rssi });
            } else if (reply.kind === 'bad') {
              error({ kind: 'error', code: 'BAD_REPLY', message: reply.message });
            } else ended = true;
          }
          return ended;
        },
        resync(error) {
          for (const record of decoder.resync()) if (record.kind === 'error') error(record);
        },
      },
      R2000_BROADCAST,
    );
  }
}

/** UHFReader18-protocol readers (CRC-16/0x8408 frames), Inventory (0x01). */
export class Uhf18Reader extends SerialRfidReader {
  constructor(options: RfidReaderOptions) {
    const decoder = new Uhf18FrameDecoder();
    super(
      options,
      {
        defaultBaud: 57_600,
        inventoryCommand: (address) =>
          encodeUhf18({ address, command: UHF18_CMD.inventory, body: new Uint8Array() }),
        push(chunk, tag, error) {
          let ended = false;
          for (const record of decoder.push(chunk)) {
            if (record.kind === 'error') {
              error(record);
              continue;
            }
            if (record.command !== UHF18_CMD.inventory) continue;
            const reply = parseUhf18Inventory(record.body);
            if (reply.kind === 'tags') {
              for (const epc of reply.epcs) tag({ epc });
              if (!reply.more) ended = true;
            } else if (reply.kind === 'bad') {
              error({ kind: 'error', code: 'BAD_REPLY', message: reply.message });
              ended = true;
            } else ended = true; // failed: e.g. 0xFB no tag in the field
          }
          return ended;
        },
        resync(error) {
          for (const record of decoder.resync()) if (record.kind === 'error') error(record);
        },
      },
      UHF18_BROADCAST,
    );
  }
}
