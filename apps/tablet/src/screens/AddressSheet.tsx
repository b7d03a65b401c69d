/**
 * [TB7] A delivery address for the cart's member: province, city and
 * district from the region table, the street, the recipient and their phone
 * (on the keypad). Sent to the server, which seals it; the tablet keeps only
 * the masked label.
 */
import { useState } from 'react';
import { isAddressRegion, regionChildren } from '@pos/domain';
import type { ClerkCart } from '@pos/app-core';
import { useLocale } from '@pos/ui';
import type { Tablet } from '../tablet';
import { DigitEntry, Note, Sheet } from './common';
import { noteOfRefusal, useWords, type ScreenNote } from './words';

export function AddressSheet(props: {
  tablet: Tablet;
  cart: ClerkCart;
  onClose(): void;
  onAddress(mode: 'ship' | 'same-city', address: { addressId: string; label: string }): void;
}) {
  const t = useWords();
  const { language } = useLocale();
  const [path, setPath] = useState<string[]>([]);
  const [street, setStreet] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [mode, setMode] = useState<'ship' | 'same-city'>('ship');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<ScreenNote | null>(null);
  const regionCode = path.at(-1) ?? '';
  const levels = [t('Province'), t('City'), t('District')];
  const nameOf = (r: { name: { zh: string; en: string } }) =>
    language === 'zh-CN' ? r.name.zh : r.name.en;

  const submit = () => {
    if (busy) return;
    setBusy(true);
    void props.tablet.clerk
      .newAddress(props.cart, { regionCode, street: street.trim(), name: name.trim(), phone })
      .then((outcome) => {
        if (outcome.ok) props.onAddress(mode, outcome.value);
        else setNote(noteOfRefusal(outcome));
      })
      .finally(() => setBusy(false));
  };

  return (
    <Sheet title={t('Delivery address')} onClose={props.onClose} wide>
      <div className="address-form">
        <div className="fields">
          <div className="mode-switch" role="radiogroup" aria-label={t('Delivery address')}>
            {(['ship', 'same-city'] as const).map((m) => (
              <button
                key={m}
                type="button"
                role="radio"
                aria-checked={mode === m}
                className={mode === m ? 'on' : ''}
                onClick={() => setMode(m)}
              >
                {m === 'ship' ? t('Express delivery') : t('Same-city delivery')}
              </button>
            ))}
          </div>
          {levels.map((label, level) => {
            const parent = level === 0 ? null : (path[level - 1] ?? undefined);
            if (parent === undefined) return null;
            const options = regionChildren(parent);
            if (options.length === 0) return null;
            return (
              <label key={label}>
                <span>{label}</span>
                <select
                  value={path[level] ?? ''}
                  onChange={(e) =>
                    setPath([...path.slice(0, level), e.target.value].filter(Boolean))
                  }
                >
                  <option value="">{t('Choose')}</option>
                  {options.map((r) => (
                    <option key={r.code} value={r.code}>
                      {nameOf(r)}
                    </option>
                  ))}
                </select>
              </label>
            );
          })}
          <label>
            <span>{t('Street address')}</span>
            <input value={street} onChange={(e) => setStreet(e.target.value)} />
          </label>
          <label>
            <span>{t('Recipient')}</span>
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </label>
        </div>
        <DigitEntry label={t('Recipient phone')} value={phone} onChange={setPhone} maxLength={11} />
      </div>
      <Note note={note} />
      <div className="actions">
        <button type="button" onClick={props.onClose}>
          {t('Cancel')}
        </button>
        <button
          type="button"
          className="primary"
          disabled={
            busy || !isAddressRegion(regionCode) || !street.trim() || !name.trim() || !phone
          }
          onClick={submit}
        >
          {t('Add to the cart')}
        </button>
      </div>
    </Sheet>
  );
}
