/**
 * [TA3] The tablet's camera: the rear camera's video, read for EAN-13,
 * EAN-8, Code 128 and QR codes by the browser's BarcodeDetector where it
 * has one that reads them, else by ZXing (@zxing/browser) on the video's
 * frames. Each code is passed on once while it stays in view
 * (repeat-filter.ts).
 */
import { BrowserMultiFormatReader } from '@zxing/browser';
import { BarcodeFormat, DecodeHintType } from '@zxing/library';
import type { TabletCamera } from '../tablet';
import { createRepeatFilter } from './repeat-filter';

/** The same code is passed on again after it was out of view this long. */
const REPEAT_PAUSE_MS = 1500;
/** How often the BarcodeDetector looks at a frame. */
const DETECT_EVERY_MS = 120;

type BarcodeDetectorLike = {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
};
type BarcodeDetectorClass = {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
};

const DETECTOR_FORMATS = ['ean_13', 'ean_8', 'code_128', 'qr_code'];

/** The browser's BarcodeDetector when it reads EAN-13 and QR codes here, else null. */
async function nativeDetector(): Promise<BarcodeDetectorLike | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    const supported = await Detector.getSupportedFormats();
    if (!supported.includes('ean_13') || !supported.includes('qr_code')) return null;
    return new Detector({ formats: DETECTOR_FORMATS.filter((f) => supported.includes(f)) });
  } catch {
    return null;
  }
}

/** A reason a clerk understands for a camera that did not start. */
export class CameraError extends Error {
  constructor(
    readonly code:
      'camera-insecure' | 'camera-refused' | 'camera-missing' | 'camera-busy' | 'camera-failed',
    message: string,
  ) {
    super(message);
    this.name = 'CameraError';
  }
}

function cameraError(error: unknown): CameraError {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return new CameraError('camera-refused', 'the browser was not allowed to use the camera');
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return new CameraError('camera-missing', 'this device has no camera');
  }
  if (name === 'NotReadableError' || name === 'AbortError') {
    return new CameraError('camera-busy', 'another app is using the camera');
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CameraError('camera-failed', `the camera did not start: ${message}`);
}

export function createCamera(): TabletCamera {
  return {
    async available() {
      if (!window.isSecureContext || !navigator.mediaDevices?.enumerateDevices) return false;
      const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
      return devices.some((device) => device.kind === 'videoinput');
    },

    async start(video, onCode) {
      if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
        throw new CameraError('camera-insecure', 'the camera needs the page on HTTPS');
      }
      let stream: MediaStream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 } },
          audio: false,
        });
      } catch (error) {
        throw cameraError(error);
      }
      const repeats = createRepeatFilter(REPEAT_PAUSE_MS);
      const seen = (text: string) => {
        if (text && repeats.accept(text, performance.now())) onCode(text);
      };
      const stopStream = () => {
        for (const track of stream.getTracks()) track.stop();
        video.srcObject = null;
      };
      try {
        const detector = await nativeDetector();
        const stopReading = detector
          ? await readWithDetector(detector, video, stream, seen)
          : await readWithZxing(video, stream, seen);
        let stopped = false;
        return () => {
          if (stopped) return;
          stopped = true;
          stopReading();
          stopStream();
        };
      } catch (error) {
        stopStream();
        throw cameraError(error);
      }
    },
  };
}

async function readWithDetector(
  detector: BarcodeDetectorLike,
  video: HTMLVideoElement,
  stream: MediaStream,
  seen: (text: string) => void,
): Promise<() => void> {
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play();
  let running = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const look = async () => {
    if (!running) return;
    if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
      const codes = await detector.detect(video).catch(() => []);
      for (const code of codes) seen(code.rawValue);
    }
    if (running) timer = setTimeout(() => void look(), DETECT_EVERY_MS);
  };
  void look();
  return () => {
    running = false;
    if (timer) clearTimeout(timer);
  };
}

async function readWithZxing(
  video: HTMLVideoElement,
  stream: MediaStream,
  seen: (text: string) => void,
): Promise<() => void> {
  const hints = new Map<DecodeHintType, unknown>([
    [
      DecodeHintType.POSSIBLE_FORMATS,
      [BarcodeFormat.EAN_13, BarcodeFormat.EAN_8, BarcodeFormat.CODE_128, BarcodeFormat.QR_CODE],
    ],
  ]);
  const reader = new BrowserMultiFormatReader(hints, {
    delayBetweenScanAttempts: 100,
    delayBetweenScanSuccess: 100,
  });
  video.muted = true;
  video.playsInline = true;
  const controls = await reader.decodeFromStream(stream, video, (result) => {
    if (result) seen(result.getText());
  });
  return () => controls.stop();
}
