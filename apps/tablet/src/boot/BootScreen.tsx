/**
 * What the tablet shows before its screens can: opening the replica, the
 * first catalog download with its progress, or why it cannot start (not
 * provisioned, a damaged link). In both languages: the clerk has not chosen
 * one yet.
 */
import type { BootProgress } from './boot';

const PAGE: React.CSSProperties = {
  minHeight: '100vh',
  display: 'flex',
  flexDirection: 'column',
  alignItems: 'center',
  justifyContent: 'center',
  gap: 16,
  padding: 32,
  fontFamily: 'system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif',
  fontSize: 22,
  textAlign: 'center',
  color: '#222',
};

export type BootView = BootProgress | { kind: 'failed'; reason: string };

export function BootScreen({ view }: { view: BootView }) {
  if (view.kind === 'failed') {
    return (
      <main style={PAGE} role="alert" data-testid="boot-failed">
        <h1 style={{ fontSize: 32, margin: 0 }}>
          店员助手无法启动 · The clerk tablet cannot start
        </h1>
        <p style={{ margin: 0 }}>{view.reason}</p>
      </main>
    );
  }
  if (view.kind === 'opening') {
    return (
      <main style={PAGE} data-testid="boot-opening">
        <p>正在启动… · Starting…</p>
      </main>
    );
  }
  const percent = view.progress?.percent ?? null;
  const left = view.progress?.secondsLeft ?? null;
  return (
    <main style={PAGE} data-testid="boot-downloading">
      <p style={{ margin: 0 }}>正在下载商品目录 · Downloading the catalog</p>
      <progress
        max={100}
        {...(percent === null ? {} : { value: percent })}
        style={{ width: '60%', height: 24 }}
      />
      <p style={{ margin: 0, fontSize: 18, color: '#555' }}>
        {percent === null ? '' : `${percent}%`}
        {left === null ? '' : ` · 约 ${left} 秒 · about ${left} s left`}
        {navigator.onLine
          ? ''
          : ' · 无网络，联网后继续 · offline: continues when the network is back'}
      </p>
    </main>
  );
}
