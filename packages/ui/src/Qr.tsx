/** A QR code of `text`, drawn as an image a scanner reads (a pickup code, a pay code, a take-now code). */
import { useEffect, useState } from 'react';
import QRCode from 'qrcode';

export function Qr({ text, label }: { text: string; label: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 240 })
      .then((url) => {
        if (live) setSrc(url);
      })
      .catch(() => {
        if (live) setSrc(null);
      });
    return () => {
      live = false;
    };
  }, [text]);
  return src ? (
    <img className="qr" src={src} alt={label} data-qr-text={text} width={240} height={240} />
  ) : (
    <div className="qr qr-pending" aria-busy="true" />
  );
}
