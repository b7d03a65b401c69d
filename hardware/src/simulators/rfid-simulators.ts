/**
 * Serial UHF RFID readers on the simulator end of a pty pair. Each answers
 * inventory commands with the tags it is told are in its field, in the
 * reader's real frames, so the real drivers and serialport run against it.
 */
import {
  R2000FrameDecoder,
  R2000_CMD,
  encodeR2000,
  hexBytes,
  r2000DoneData,
  r2000TagData,
} from '../rfid/r2000-frame';
import { UHF18_CMD, Uhf18FrameDecoder, encodeUhf18, uhf18InventoryBody } from '../rfid/uhf18-frame';
import { concatBytes } from '../printer/escpos';
import { SerialConnection } from '../serial-connection';

export type SimulatedTag = {
  /** EPC as hex. */
  epc: string;
  /** 1-4; default 1. */
  antenna?: number;
  /** dBm; default -55. */
  rssi?: number;
};

abstract class RfidSimulator {
  /** Tags in the field now. */
  tags: SimulatedTag[];
  /**
   * [TP4] When set, asked each round for the tags read instead of `tags`
   * (a TagFloor sets it with `attach`).
   */
  tagSource: (() => SimulatedTag[]) | undefined;
  /** Inventory commands answered. */
  inventoryRounds = 0;
  /** Bad frames the simulator received. */
  badFrames = 0;
  /** Garbage to send before the next answer (then cleared), for resync tests. */
  garbageBeforeNextAnswer: Uint8Array | undefined;
  protected connection: SerialConnection | undefined;

  protected constructor(tags: SimulatedTag[]) {
    this.tags = tags;
  }

  protected async openOn(path: string, baudRate: number): Promise<void> {
    const connection = new SerialConnection({
      path,
      baudRate,
      onData: (chunk) => this.feed(chunk),
    });
    await connection.open();
    this.connection = connection;
  }

  /** Bytes from the driver; public so tests can feed it without a port. */
  abstract feed(chunk: Uint8Array): void;

  /** Sends raw bytes (e.g. garbage) to the driver. */
  write(bytes: Uint8Array): Promise<void> {
    return this.connection?.write(bytes) ?? Promise.resolve();
  }

  /** The tags this round reads: the source's when set, else `tags`. */
  protected roundTags(): SimulatedTag[] {
    return this.tagSource ? this.tagSource() : this.tags;
  }

  protected answer(frames: Uint8Array[]): void {
    const garbage = this.garbageBeforeNextAnswer;
    this.garbageBeforeNextAnswer = undefined;
    this.inventoryRounds++;
    void this.write(concatBytes([...(garbage ? [garbage] : []), ...frames])).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.connection?.close();
  }
}

/** An R2000-module reader: a frame per tag, then the round summary. */
export class R2000Simulator extends RfidSimulator {
  readonly #decoder = new R2000FrameDecoder();

  static async open(path: string, options: { tags?: SimulatedTag[]; baudRate?: number } = {}) {
    const simulator = new R2000Simulator(options.tags ?? []);
    await simulator.openOn(path, options.baudRate ?? 115_200);
    return simulator;
  }

  feed(chunk: Uint8Array): void {
    for (const record of this.#decoder.push(chunk)) {
      if (record.kind === 'error') {
        this.badFrames++;
        continue;
      }
      if (record.command !== R2000_CMD.realTimeInventory) continue;
      const { address } = record;
      const tags = this.roundTags();
      const frames = tags.map((tag) =>
        encodeR2000({
          address,
          command: R2000_CMD.realTimeInventory,
          data: r2000TagData({ epc: tag.epc, antenna: tag.antenna ?? 1, rssi: tag.rssi ?? -55 }),
        }),
      );
      frames.push(
        encodeR2000({
          address,
          command: R2000_CMD.realTimeInventory,
          data: r2000DoneData(1, tags.length * 10, tags.length),
        }),
      );
      this.answer(frames);
    }
  }
}

/** A UHFReader18-protocol reader: one response listing the EPCs, or 0xFB when none. */
export class Uhf18Simulator extends RfidSimulator {
  readonly #decoder = new Uhf18FrameDecoder();

  static async open(path: string, options: { tags?: SimulatedTag[]; baudRate?: number } = {}) {
    const simulator = new Uhf18Simulator(options.tags ?? []);
    await simulator.openOn(path, options.baudRate ?? 57_600);
    return simulator;
  }

  feed(chunk: Uint8Array): void {
    for (const record of this.#decoder.push(chunk)) {
      if (record.kind === 'error') {
        this.badFrames++;
        continue;
      }
      if (record.command !== UHF18_CMD.inventory) continue;
      // No antenna or RSSI in these frames; a tag read by several antennas is listed once.
      const epcs = [...new Set(this.roundTags().map((tag) => tag.epc))].map((epc) => hexBytes(epc));
      // A frame holds 250 bytes: many tags go in several responses, status 0x03 "more data".
      const bodies: Uint8Array[] = [];
      for (let i = 0; i < epcs.length; i += 15) {
        const more = i + 15 < epcs.length;
        bodies.push(uhf18InventoryBody(epcs.slice(i, i + 15), more ? 0x03 : 0x01));
      }
      if (bodies.length === 0) bodies.push(Uint8Array.of(0xfb));
      this.answer(
        bodies.map((body) =>
          encodeUhf18({ address: record.address, command: record.command, body }),
        ),
      );
    }
  }
}
