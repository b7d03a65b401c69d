/** [TA3] The camera's video, reading barcodes and QR codes; each code read is handed on. */
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import type { Tablet } from '../tablet';
import { Note } from './common';
import { useWords, type ScreenNote } from './words';

export function CameraScanner(props: {
  tablet: Tablet;
  onCode(text: string): void;
  onClose(): void;
}) {
  const t = useWords();
  const video = useRef<HTMLVideoElement>(null);
  const [note, setNote] = useState<ScreenNote | null>(null);
  const onCode = useEffectEvent((text: string) => props.onCode(text));
  const { camera } = props.tablet;

  useEffect(() => {
    let stop: (() => void) | null = null;
    let live = true;
    if (video.current) {
      camera
        .start(video.current, (text) => onCode(text))
        .then((stopper) => {
          if (live) stop = stopper;
          else stopper();
        })
        .catch((error: unknown) => {
          if (!live) return;
          const code = (error as { code?: unknown } | null)?.code;
          setNote({
            tone: 'error',
            text: error instanceof Error ? error.message : String(error),
            ...(typeof code === 'string' ? { code } : {}),
          });
        });
    }
    return () => {
      live = false;
      stop?.();
    };
  }, [camera]);

  return (
    <div className="camera">
      <video
        ref={video}
        muted
        playsInline
        autoPlay
        aria-label={t('Point the camera at the barcode')}
      />
      <p className="hint">{t('Point the camera at the barcode')}</p>
      <Note note={note} />
      <button type="button" onClick={props.onClose}>
        {t('Stop the camera')}
      </button>
    </div>
  );
}
